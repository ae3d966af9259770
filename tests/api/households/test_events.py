"""Domain events (ENGINEERING, jobs and events): every change of a household publishes one,
in the change's transaction, with a stable name and a thin payload; the worker hands each to
the job kinds subscribed to it, at least once."""

import json
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.core import events
from app.core.db import Database
from app.core.events import DomainEvent
from app.core.jobs import Job, JobKind
from tests.api.households.ledger_http import bearer, exit_household, fetch
from tests.api.households.records import create, member, patch
from tests.factories import GRID_A1_2, create_demo_district, id_number

THIN = {
    "household_id",
    "version",
    "region_code",
    "person_id",
    "from_household_id",
    "to_household_id",
}


@pytest.fixture(autouse=True)
async def seeded(session: Any) -> None:
    await create_demo_district(session)


async def _events(app: FastAPI) -> list[tuple[str, dict[str, Any]]]:
    rows = await fetch(app, select(DomainEvent.name, DomainEvent.payload).order_by(DomainEvent.id))
    return [(name, payload) for name, payload in rows]


async def test_creation_publishes_household_created_with_a_thin_payload(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    created = await create(
        anonymous, headers, members=[member("张秀英"), member("李建国", "spouse")]
    )
    assert await _events(app) == [
        (
            "household.created",
            {"household_id": created["id"], "version": 1, "region_code": "500112001001001"},
        )
    ]


async def test_each_kind_of_change_has_its_event(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    home = await create(anonymous, headers)
    other = await create(anonymous, headers, region=GRID_A1_2)
    changed = await patch(anonymous, headers, home, {"address": "新地址 1 号"})
    assert changed.status_code == 200
    added = await anonymous.post(
        f"/api/v1/households/{home['id']}/members",
        json=member("李建国", "spouse"),
        headers=headers,
    )
    spouse = added.json()["person_id"]
    moved = await anonymous.post(
        f"/api/v1/persons/{spouse}/transfer",
        json={
            "from_household_id": home["id"],
            "to_household_id": other["id"],
            "relation_to_head": "spouse",
        },
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    plan = await anonymous.put(
        f"/api/v1/households/{home['id']}/plan",
        json={"goals": "稳定收入", "planned_measures": ["技能培训"]},
        headers=headers,
    )
    assert plan.status_code == 201, plan.text
    left = await exit_household(anonymous, home["id"])
    assert left.status_code == 200, left.text
    back = await anonymous.post(
        f"/api/v1/households/{home['id']}/reentry",
        json={"reason": "hardship_again"},
        headers=headers,
    )
    assert back.status_code == 200, back.text
    removed = await anonymous.delete(
        f"/api/v1/households/{other['id']}/members/{spouse}",
        params={"reason": "moved_out"},
        headers=headers,
    )
    assert removed.status_code == 204
    published = await _events(app)
    assert [name for name, _ in published] == [
        "household.created",
        "household.created",
        "household.changed",
        "household.member_added",
        "household.transferred",
        "household.transferred",
        "household.plan_versioned",
        "household.changed",  # the exit proposed
        "household.exited",
        "household.reentered",
        "household.member_removed",
    ]
    by_name = dict(published)
    assert by_name["household.member_added"] == {
        "household_id": home["id"],
        "version": 3,
        "region_code": "500112001001001",
        "person_id": spouse,
    }
    out, into = (p for n, p in published if n == "household.transferred")
    assert (out["household_id"], into["household_id"]) == (home["id"], other["id"])
    assert out["from_household_id"] == into["from_household_id"] == home["id"]
    assert out["to_household_id"] == into["to_household_id"] == other["id"]
    assert into["region_code"] == GRID_A1_2
    assert all(set(payload) <= THIN for _, payload in published)


async def test_payloads_never_carry_personal_data(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    number = id_number()
    await create(
        anonymous,
        headers,
        members=[member("欧阳秀英", id_number=number, phone="13800138000")],
        address="双龙湖街道隐私路 9 号",
    )
    text = json.dumps(await _events(app), ensure_ascii=False)
    for secret in ("欧阳秀英", number, number[:6] + "*", "13800138000", "隐私路"):
        assert secret not in text


async def test_nothing_changed_publishes_nothing(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    home = await create(anonymous, headers, address="原地址 1 号")
    again = await patch(anonymous, headers, home, {"address": "原地址 1 号"})
    assert again.status_code == 200
    assert again.json()["version"] == 1
    assert [name for name, _ in await _events(app)] == ["household.created"]


async def test_a_refused_change_publishes_nothing(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    home = await create(anonymous, headers)
    refused = await patch(anonymous, headers, home, {"region_code": "500112002001001"})
    assert refused.status_code == 422
    assert [name for name, _ in await _events(app)] == ["household.created"]


HEARD = JobKind("test.heard")


class TestDispatch:
    async def test_each_event_goes_to_its_subscribers_once_and_then_is_done(
        self, app: FastAPI, anonymous: httpx.AsyncClient, database: Database
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        home = await create(anonymous, headers)
        await patch(anonymous, headers, home, {"address": "改后地址 2 号"})
        subscriptions = {"household.changed": [HEARD]}
        async with database.sessionmaker() as session, session.begin():
            assert await events.dispatch_pending(session, subscriptions) == 2
        async with database.sessionmaker() as session, session.begin():
            assert await events.dispatch_pending(session, subscriptions) == 0
        queued = await fetch(app, select(Job.kind, Job.payload))
        assert [(kind, payload["name"]) for kind, payload in queued] == [
            ("test.heard", "household.changed")
        ]
        assert queued[0][1]["payload"]["household_id"] == home["id"]
        assert uuid.UUID(queued[0][1]["event_id"])
