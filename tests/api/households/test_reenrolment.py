"""A former member enrolled again gets what its new household entered, nothing more (issue 12).

A person is one row for life (one ID number, one person), but what a street
recorded about them (phone, health, disability, guardian, school) belongs to
that street's household: once they have left it, a household of another
street that enrols them again, by form or with a new household, sees what
it entered and not the earlier details. Those stay where they were: in the
earlier household's history, for whoever could see it before and the
district.
"""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.households.ledger_http import bearer, history, household
from tests.factories import GRID_A1_1, GRID_B1_1, create_demo_district, create_household, id_number

NUMBER = id_number(birth="1962-05-01", sex="male", seq=11)
EARLIER = {
    "phone": "13912345678",
    "health": "chronic_illness",
    "disability_type": "physical",
    "disability_grade": "grade_2",
    "guardian": {"name": "李梅", "relation": "spouse", "phone": "13800000000"},
    "caregiver": {"name": "张丽", "relation": "daughter"},
    "employment": "unemployed",
    "school": "双凤桥小学",
}
ENTERED = {"name": "张建华", "id_number": NUMBER, "employment": "retired"}
NOT_ENTERED = sorted(set(EARLIER) - set(ENTERED))
EARLIER_TEXT = [
    text
    for value in EARLIER.values()
    for text in (value.values() if isinstance(value, dict) else [value])
    if text not in ("spouse", "daughter")
]
"""Every value recorded earlier that names or describes the person (not a bare code)."""


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def earlier(app: FastAPI, anonymous: httpx.AsyncClient) -> Any:
    """A household of street B where the person lived, with its details; they have left it."""
    home = await create_household(
        app,
        region=GRID_B1_1,
        members=[
            {"name": "王芳", "relation_to_head": "self"},
            {"name": "张建华", "relation_to_head": "spouse", "id_number": NUMBER, **EARLIER},
        ],
    )
    officer_b = await bearer(anonymous, "street_officer_2")
    [spouse] = [m for m in (await household(anonymous, officer_b, home.id))["members"][1:]]
    left = await anonymous.delete(
        f"/api/v1/households/{home.id}/members/{spouse['person_id']}",
        params={"reason": "moved_out"},
        headers=officer_b,
    )
    assert left.status_code == 204, left.text
    return home


async def _enrol(app: FastAPI, http: httpx.AsyncClient, how: str) -> tuple[str, dict[str, Any]]:
    """Street A enrols the person again (by form, or with a new household); returns the new
    household's id and the member as that answer showed it."""
    officer = await bearer(http, "street_officer")
    if how == "member":
        home = await create_household(app, region=GRID_A1_1)
        response = await http.post(
            f"/api/v1/households/{home.id}/members",
            json={**ENTERED, "relation_to_head": "spouse"},
            headers=officer,
        )
        assert response.status_code == 201, response.text
        return str(home.id), response.json()
    response = await http.post(
        "/api/v1/households",
        json={
            "region_code": GRID_A1_1,
            "address": "百果园 12 号",
            "members": [{**ENTERED, "relation_to_head": "self"}],
        },
        headers=officer,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    return created["id"], created["members"][0]


def _details(member: dict[str, Any]) -> dict[str, Any]:
    return {name: member[name] for name in NOT_ENTERED}


@pytest.mark.parametrize("how", ["member", "household"])
async def test_the_new_street_and_its_grid_worker_get_only_what_was_entered(
    app: FastAPI, anonymous: httpx.AsyncClient, earlier: Any, how: str
) -> None:
    household_id, answered = await _enrol(app, anonymous, how)
    nothing = dict.fromkeys(NOT_ENTERED)
    assert _details(answered) == nothing
    assert answered["employment"] == "retired"
    for username in ("street_officer", "grid_worker"):
        headers = await bearer(anonymous, username)
        record = await household(anonymous, headers, household_id)
        [again] = [m for m in record["members"] if m["person_id"] == answered["person_id"]]
        assert _details(again) == nothing
        entries = await history(anonymous, headers, household_id)
        for value in EARLIER_TEXT:
            assert value not in repr(entries)
            assert value not in repr(record)


async def test_the_earlier_street_and_the_district_still_see_the_earlier_details(
    app: FastAPI, anonymous: httpx.AsyncClient, earlier: Any
) -> None:
    await _enrol(app, anonymous, "member")
    for username in ("street_officer_2", "district_officer"):
        entries = await history(anonymous, await bearer(anonymous, username), earlier.id)
        [added] = [
            e
            for e in entries
            if e["action"] == "member.add" and e["changes"]["name"]["after"] == "张建华"
        ]
        shown = {
            name: {**value, "phone": value.get("phone"), "note": None}
            if isinstance(value, dict)
            else value
            for name, value in EARLIER.items()
        }
        assert {name: added["changes"][name]["after"] for name in EARLIER} == shown
