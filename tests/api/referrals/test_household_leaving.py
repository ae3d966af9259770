"""A household that leaves the ledger (退出), or an applicant whose application is declined,
takes its open referrals with it: they are cancelled in that change's transaction by the
actor making it, kept, audited and announced as any cancellation; closed ones stay as they
were, and so do the household's needs (the household left; no organisation gave up)."""

import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.events import DomainEvent
from app.households.public import Leaving
from app.referrals.service import NOTES
from tests.api.households.ledger_http import bearer, exit_household, fetch, history
from tests.api.households.records import household_body
from tests.api.referrals.referrals_http import (
    REFERRALS,
    act,
    household_with_need,
    need_of,
    refer_need,
    send,
)
from tests.factories import create_demo_district
from tests.problems import assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def test_the_exit_cancels_the_open_referrals_and_leaves_the_closed_ones(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    open_one = await send(app, anonymous)
    household = open_one["household_id"]
    received = await act(anonymous, open_one, "receive")
    assert received.status_code == 200, received.text
    exited = await exit_household(anonymous, household)
    assert exited.status_code == 200, exited.text

    headers = await bearer(anonymous, "street_officer")
    shown = (await anonymous.get(f"{REFERRALS}/{open_one['id']}", headers=headers)).json()
    assert (shown["status"], shown["version"], shown["allowed"]) == ("cancelled", 3, [])
    last = shown["transitions"][-1]
    assert (last["action"], last["from_status"], last["to_status"], last["note"]) == (
        "cancel",
        "received",
        "cancelled",
        NOTES[Leaving.exited],
    )
    audited = await fetch(
        app,
        select(AuditEvent.action).where(
            AuditEvent.object_id == open_one["id"], AuditEvent.action == "referral.cancel"
        ),
    )
    assert audited == [("referral.cancel",)]
    announced = await fetch(
        app, select(DomainEvent.payload).where(DomainEvent.name == "referral.status_changed")
    )
    assert {"referral_id": open_one["id"], "status": "cancelled"}.items() <= next(
        p for (p,) in announced if p["status"] == "cancelled"
    ).items()


async def test_a_closed_referral_is_left_as_it_was(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    referral = await send(app, anonymous)
    received = (await act(anonymous, referral, "receive")).json()
    rejected = await act(anonymous, received, "reject", reason="not_in_remit")
    assert rejected.status_code == 200, rejected.text
    exited = await exit_household(anonymous, referral["household_id"])
    assert exited.status_code == 200, exited.text
    headers = await bearer(anonymous, "street_officer")
    shown = (await anonymous.get(f"{REFERRALS}/{referral['id']}", headers=headers)).json()
    assert (shown["status"], shown["version"]) == ("rejected", 3)


async def test_the_needs_stay_as_they_stood(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    household, need = await household_with_need(app)
    referral = await refer_need(app, anonymous, need)
    for action in ("receive", "accept"):
        answered = await act(anonymous, referral, action)
        assert answered.status_code == 200, answered.text
        referral = answered.json()
    exited = await exit_household(anonymous, household.id)
    assert exited.status_code == 200, exited.text
    headers = await bearer(anonymous, "street_officer")
    shown = (await anonymous.get(f"{REFERRALS}/{referral['id']}", headers=headers)).json()
    assert shown["status"] == "cancelled"
    needs = await anonymous.get(f"/api/v1/households/{household.id}/needs", headers=headers)
    assert [(n["id"], n["status"]) for n in needs.json()["items"]] == [(str(need), "being_met")]
    entries = await history(anonymous, headers, household.id)
    assert [e["action"] for e in entries if e["action"] == "need.settle"] == ["need.settle"]


async def test_a_declined_applicant_takes_its_open_referrals_with_it(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    worker = await bearer(anonymous, "community_worker")
    today = business_today().isoformat()
    filed = await anonymous.post(
        "/api/v1/applications",
        json={
            "mode": "self",
            "needs": ["medical"],
            "applied_on": today,
            "household": household_body(),
        },
        headers=worker,
    )
    assert filed.status_code == 201, filed.text
    application = filed.json()
    need = await need_of(app, uuid.UUID(application["household_id"]))
    referral = await refer_need(app, anonymous, need)
    rejected = await anonymous.post(
        f"/api/v1/applications/{application['id']}/reject",
        json={"effective_on": today, "reason": "not_in_scope"},
        headers={**worker, "If-Match": f'W/"{application["version"]}"'},
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["household_status"] == "declined"
    headers = await bearer(anonymous, "street_officer")
    shown = (await anonymous.get(f"{REFERRALS}/{referral['id']}", headers=headers)).json()
    last = shown["transitions"][-1]
    assert (shown["status"], last["action"], last["note"]) == (
        "cancelled",
        "cancel",
        NOTES[Leaving.declined],
    )
    department = await bearer(anonymous, "department_officer")
    reached = await anonymous.get(
        f"/api/v1/households/{application['household_id']}", headers=department
    )
    assert_problem(reached, 404, "not_found")
