"""A household's history (DOMAIN 4; Beijing 5): who changed what, when, before and after."""

import json
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.masking import mask_id_number
from app.households.models import HouseholdChange
from tests.api.households.records import (
    HOUSEHOLDS,
    audit_events,
    bearer,
    create,
    member,
    patch,
    user_id,
)
from tests.factories import create_demo_district, id_number
from tests.problems import assert_invalid, assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _history(
    http: httpx.AsyncClient, headers: dict[str, str], household_id: str, **params: Any
) -> dict[str, Any]:
    response = await http.get(
        f"{HOUSEHOLDS}/{household_id}/history", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def _raw_changes(app: FastAPI, household_id: str) -> list[HouseholdChange]:
    async with app.state.services.database.sessionmaker() as session:
        rows = await session.scalars(
            select(HouseholdChange)
            .where(HouseholdChange.household_id == uuid.UUID(household_id))
            .order_by(HouseholdChange.id)
        )
        return list(rows)


async def test_create_and_update_are_recorded_with_before_and_after(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    created = await create(
        anonymous,
        headers,
        members=[member("张秀英", employment="retired")],
        target_types=["dibao"],
        needs=["care"],
        categories=[{"category": "other"}],
    )
    head = created["members"][0]["person_id"]
    changed = await patch(
        anonymous,
        headers,
        created,
        {"needs": ["medical", "care"], "hukou_place": "重庆市渝北区"},
    )
    assert changed.status_code == 200, changed.text

    page = await _history(anonymous, headers, created["id"])
    assert page["next_cursor"] is None
    entries = page["items"]
    actor = {
        "type": "user",
        "id": str(await user_id(app, "street_officer")),
        "display_name": "双龙湖街道干部",
    }
    assert [(e["action"], e["actor"], e["actor_role"]) for e in entries] == [
        ("household.create", actor, "street_officer"),
        ("member.add", actor, "street_officer"),
        ("household.update", actor, "street_officer"),
    ]
    assert all(e["occurred_at"].endswith("Z") for e in entries)
    assert entries[0]["person_id"] is None
    assert entries[0]["changes"] == {
        "region_code": {"before": None, "after": created["region_code"]},
        "address": {"before": None, "after": created["address"]},
        "head_person_id": {"before": None, "after": head},
        "hukou_type": {"before": None, "after": "urban"},
        "target_types": {"before": None, "after": ["dibao"]},
        "target_type_decisions": {
            "before": None,
            "after": [
                {
                    "target_type": "dibao",
                    "deciding_body": "重庆市渝北区民政局",
                    "decided_on": "2026-03-15",
                    "reference": created["target_type_decisions"][0]["reference"],
                    "ends_on": None,
                }
            ],
        },
        "categories": {
            "before": None,
            "after": [{"category": "other", "subtype": None, "person_id": None}],
        },
        "causes": {"before": None, "after": []},
        "needs": {"before": None, "after": ["care"]},
    }
    assert entries[1]["person_id"] == head
    assert entries[1]["changes"]["name"] == {"before": None, "after": "张秀英"}
    assert entries[1]["changes"]["relation_to_head"] == {"before": None, "after": "self"}
    assert entries[1]["changes"]["employment"] == {"before": None, "after": "retired"}
    assert entries[2]["changes"] == {
        "needs": {"before": ["care"], "after": ["care", "medical"]},
        "hukou_place": {"before": None, "after": "重庆市渝北区"},
    }


async def test_each_member_given_at_creation_gets_an_entry(
    anonymous: httpx.AsyncClient,
) -> None:
    headers = await bearer(anonymous, "community_worker")
    created = await create(
        anonymous,
        headers,
        members=[
            member("张秀英"),
            member(
                "李小明",
                "grandchild",
                id_number=id_number(birth="2016-05-01"),
                categories=[{"category": "child_in_distress", "subtype": "child_left_behind"}],
            ),
        ],
    )
    entries = (await _history(anonymous, headers, created["id"]))["items"]
    assert [(e["action"], e["person_id"]) for e in entries] == [
        ("household.create", None),
        *[("member.add", m["person_id"]) for m in created["members"]],
    ]
    grandchild = next(m for m in created["members"] if m["name"] == "李小明")
    assert entries[0]["changes"]["categories"]["after"] == [
        {
            "category": "child_in_distress",
            "subtype": "child_left_behind",
            "person_id": grandchild["person_id"],
        }
    ]


async def test_a_change_that_changes_nothing_leaves_no_entry(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    created = await create(anonymous, headers, needs=["care"])
    before = len(await _raw_changes(app, created["id"]))
    response = await patch(
        anonymous, headers, created, {"needs": ["care"], "address": created["address"]}
    )
    assert response.json()["version"] == 1
    assert len(await _raw_changes(app, created["id"])) == before


async def test_names_and_phones_are_masked_for_a_grid_worker(
    anonymous: httpx.AsyncClient,
) -> None:
    officer = await bearer(anonymous, "street_officer")
    number = id_number()
    created = await create(
        anonymous,
        officer,
        members=[member("张秀英", id_number=number, phone="13800138000")],
    )
    person = created["members"][0]
    renamed = await anonymous.patch(
        f"{HOUSEHOLDS}/{created['id']}/members/{person['person_id']}",
        json={"name": "张秀兰", "phone": "13912345678"},
        headers={**officer, "If-Match": f'W/"{person["version"]}"'},
    )
    assert renamed.status_code == 200, renamed.text

    grid = (await _history(anonymous, await bearer(anonymous, "grid_worker"), created["id"]))[
        "items"
    ]
    assert [e["action"] for e in grid] == ["household.create", "member.add", "member.update"]
    assert grid[1]["changes"]["name"] == {"before": None, "after": "张**"}
    assert grid[1]["changes"]["phone"] == {"before": None, "after": "138****8000"}
    assert grid[1]["changes"]["id_number"] == {"before": None, "after": mask_id_number(number)}
    assert grid[2]["changes"] == {
        "name": {"before": "张**", "after": "张**"},
        "phone": {"before": "138****8000", "after": "139****5678"},
    }
    assert "张秀英" not in json.dumps(grid, ensure_ascii=False)

    community = (
        await _history(anonymous, await bearer(anonymous, "community_worker"), created["id"])
    )["items"]
    assert community[2]["changes"] == {
        "name": {"before": "张秀英", "after": "张秀兰"},
        "phone": {"before": "13800138000", "after": "13912345678"},
    }
    assert community[1]["changes"]["id_number"]["after"] == mask_id_number(number)


async def test_guardians_and_caregivers_are_masked_for_a_grid_worker(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    """Structured contacts, and the free text entries written before they had structure."""
    officer = await bearer(anonymous, "street_officer")
    guardian = {"name": "赵强", "relation": "relative", "phone": "13800000102"}
    created = await create(anonymous, officer, members=[member("赵德明", guardian=guardian)])
    legacy = "侄子赵强照料 13800000102"
    async with app.state.services.database.sessionmaker() as session:
        (added,) = [c for c in await _raw_changes(app, created["id"]) if c.action == "member.add"]
        session.add(
            HouseholdChange(
                household_id=added.household_id,
                region_code=added.region_code,
                district_code=added.district_code,
                actor=added.actor,
                action="member.update",
                person_id=added.person_id,
                changes={"caregiver": {"before": None, "after": legacy}},
            )
        )
        await session.commit()

    grid = (await _history(anonymous, await bearer(anonymous, "grid_worker"), created["id"]))[
        "items"
    ]
    assert grid[1]["changes"]["guardian"] == {
        "before": None,
        "after": {"name": "赵*", "relation": "relative", "phone": "138****0102", "note": None},
    }
    assert grid[2]["changes"]["caregiver"] == {
        "before": None,
        "after": {"name": None, "relation": None, "phone": None, "note": "*" * len(legacy)},
    }
    text = json.dumps(grid, ensure_ascii=False)
    assert "赵强" not in text
    assert "13800000102" not in text

    community = (
        await _history(anonymous, await bearer(anonymous, "community_worker"), created["id"])
    )["items"]
    assert community[1]["changes"]["guardian"]["after"] == {**guardian, "note": None}
    assert community[2]["changes"]["caregiver"]["after"]["note"] == legacy


async def test_id_numbers_are_never_stored_in_clear(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    numbers = [id_number(), id_number(sex="male")]
    created = await create(
        anonymous,
        headers,
        members=[
            member("张秀英", id_number=numbers[0]),
            member("李四", "spouse", id_number=numbers[1]),
        ],
    )
    third = id_number(birth="2015-06-01")
    added = await anonymous.post(
        f"{HOUSEHOLDS}/{created['id']}/members",
        json=member("李小明", "child", id_number=third),
        headers=headers,
    )
    assert added.status_code == 201, added.text

    rows = await _raw_changes(app, created["id"])
    stored = json.dumps([r.changes for r in rows], ensure_ascii=False)
    assert [r.action for r in rows] == [
        "household.create",
        "member.add",
        "member.add",
        "member.add",
    ]
    for number in [*numbers, third]:
        assert number not in stored
        assert number[6:14] not in stored
        assert mask_id_number(number) in stored


async def test_newest_last_and_paged_with_a_cursor(anonymous: httpx.AsyncClient) -> None:
    headers = await bearer(anonymous, "street_officer")
    current = await create(anonymous, headers, members=[])
    for needs in (["care"], ["medical"], ["housing"], ["education"]):
        response = await patch(anonymous, headers, current, {"needs": needs})
        assert response.status_code == 200, response.text
        current = response.json()

    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await _history(anonymous, headers, current["id"], **params)
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    entries = [e for p in pages for e in p]
    assert [e["action"] for e in entries] == ["household.create"] + ["household.update"] * 4
    assert [e["changes"]["needs"]["after"] for e in entries[1:]] == [
        ["care"],
        ["medical"],
        ["housing"],
        ["education"],
    ]
    assert [e["occurred_at"] for e in entries] == sorted(e["occurred_at"] for e in entries)
    assert len({e["id"] for e in entries}) == 5
    whole = await _history(anonymous, headers, current["id"])
    assert whole["items"] == entries


async def test_a_cursor_of_another_households_history_is_refused(
    anonymous: httpx.AsyncClient,
) -> None:
    headers = await bearer(anonymous, "street_officer")
    first = await create(anonymous, headers, members=[member(), member("李四", "spouse")])
    second = await create(anonymous, headers)
    cursor = (await _history(anonymous, headers, first["id"], limit=1))["next_cursor"]
    assert cursor is not None
    response = await anonymous.get(
        f"{HOUSEHOLDS}/{second['id']}/history", params={"cursor": cursor}, headers=headers
    )
    assert_invalid(response, ["query", "cursor"], "invalid_cursor")


async def test_reading_the_history_is_audited(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    headers = await bearer(anonymous, "community_worker")
    created = await create(anonymous, headers)
    await _history(anonymous, headers, created["id"])
    events = await audit_events(app, "household.history.read")
    assert [(e.object_id, e.region_code, e.actor) for e in events] == [
        (
            created["id"],
            created["region_code"],
            f"user:{await user_id(app, 'community_worker')}",
        )
    ]


async def test_another_streets_history_is_not_found(anonymous: httpx.AsyncClient) -> None:
    created = await create(anonymous, await bearer(anonymous, "street_officer"))
    response = await anonymous.get(
        f"{HOUSEHOLDS}/{created['id']}/history",
        headers=await bearer(anonymous, "street_officer_2"),
    )
    assert_problem(response, 404, "not_found")
