"""A household's needs as dated instances (DOMAIN 4, 6): written by the record's creation and
its PATCH, read at `GET /households/{id}/needs`; the record's `needs` are the live codes."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from tests.api.households.records import bearer, create, patch
from tests.factories import GRID_B1_1, create_demo_district, create_household
from tests.problems import assert_problem

HOUSEHOLDS = "/api/v1/households"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _needs(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, **params: Any
) -> dict[str, Any]:
    response = await http.get(f"{HOUSEHOLDS}/{hid}/needs", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_new_records_needs_are_open_instances_of_the_record(
    anonymous: httpx.AsyncClient,
) -> None:
    headers = await bearer(anonymous, "street_officer")
    household = await create(anonymous, headers, needs=["care", "medical"])
    found = await _needs(anonymous, headers, household["id"])
    assert found["next_cursor"] is None
    assert [(n["code"], n["status"], n["source"], n["source_id"]) for n in found["items"]] == [
        ("care", "open", "record", None),
        ("medical", "open", "record", None),
    ]
    [first, _] = found["items"]
    assert first["noted_on"] == business_today().isoformat()
    assert first["noted_by"]["display_name"] == "双龙湖街道干部"
    assert first["status_changed_at"] is None


async def test_patching_the_needs_opens_and_withdraws_instances(
    anonymous: httpx.AsyncClient,
) -> None:
    headers = await bearer(anonymous, "street_officer")
    household = await create(anonymous, headers, needs=["care", "medical"])
    changed = await patch(anonymous, headers, household, {"needs": ["medical", "housing"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["needs"] == ["housing", "medical"]
    found = (await _needs(anonymous, headers, household["id"]))["items"]
    assert [(n["code"], n["status"]) for n in found] == [
        ("care", "withdrawn"),
        ("medical", "open"),
        ("housing", "open"),
    ]
    assert found[0]["status_changed_at"] is not None
    withdrawn = await _needs(anonymous, headers, household["id"], status="withdrawn")
    assert [n["code"] for n in withdrawn["items"]] == ["care"]
    # The same list again changes nothing: no instance is added or withdrawn.
    again = await patch(anonymous, headers, changed.json(), {"needs": ["housing", "medical"]})
    assert again.status_code == 200, again.text
    assert again.json()["version"] == changed.json()["version"]
    assert len((await _needs(anonymous, headers, household["id"]))["items"]) == 3


async def test_needs_pages_follow_the_order_they_were_noted(anonymous: httpx.AsyncClient) -> None:
    headers = await bearer(anonymous, "community_worker")
    household = await create(anonymous, headers, needs=["care", "medical", "housing"])
    first = await _needs(anonymous, headers, household["id"], limit=2)
    assert [n["code"] for n in first["items"]] == ["care", "housing"]
    rest = await _needs(anonymous, headers, household["id"], limit=2, cursor=first["next_cursor"])
    assert [n["code"] for n in rest["items"]] == ["medical"]
    assert rest["next_cursor"] is None


async def test_another_streets_household_is_404(app: Any, anonymous: httpx.AsyncClient) -> None:
    theirs = await create_household(app, region=GRID_B1_1, needs=["care"])
    headers = await bearer(anonymous, "street_officer")
    hidden = await anonymous.get(f"{HOUSEHOLDS}/{theirs.id}/needs", headers=headers)
    assert_problem(hidden, 404, "not_found")
    grid = await bearer(anonymous, "grid_worker")
    mine = await create_household(app, needs=["care"])
    assert [n["code"] for n in (await _needs(anonymous, grid, mine.id))["items"]] == ["care"]
