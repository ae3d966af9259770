"""Each household's own plan (一户一策, Beijing 8(4)): versions kept, If-Match once one exists."""

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.households.models import HouseholdPlan
from tests.api.households.ledger_http import bearer, fetch, history, organization_id, user_id
from tests.factories import create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

PLAN = {
    "goals": "三个月内落实医疗救助，稳定基本生活。",
    "planned_measures": ["申请医疗救助", "链接志愿者每周探访"],
}


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


async def _put(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    hid: Any,
    body: dict[str, Any],
    revision: int | None = None,
) -> httpx.Response:
    extra = {} if revision is None else {"If-Match": f'W/"{revision}"'}
    return await http.put(f"/api/v1/households/{hid}/plan", json=body, headers={**headers, **extra})


async def test_the_first_plan_needs_no_if_match_is_created_as_revision_1(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    review = (business_today() + timedelta(days=90)).isoformat()
    bureau = str(await organization_id(app, "渝北区民政局"))
    body = {**PLAN, "responsible_organization_id": bureau, "review_on": review}
    response = await _put(anonymous, officer, home.id, body)
    assert response.status_code == 201, response.text
    plan = response.json()
    assert response.headers["etag"] == 'W/"1"'
    assert response.headers["location"] == f"/api/v1/households/{home.id}/plan"
    assert {k: plan[k] for k in body} == body
    assert (plan["revision"], plan["household_id"]) == (1, str(home.id))
    assert plan["created_by"] == {
        "type": "user",
        "id": str(await user_id(app, "street_officer")),
        "display_name": "双龙湖街道干部",
    }
    entry = (await history(anonymous, officer, home.id))[-1]
    assert entry["action"] == "plan.revise"
    assert entry["changes"]["goals"] == {"before": None, "after": PLAN["goals"]}
    assert entry["changes"]["review_on"] == {"before": None, "after": review}


async def test_later_versions_need_the_current_revision(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    assert (await _put(anonymous, officer, home.id, PLAN)).status_code == 201
    missing = await _put(anonymous, officer, home.id, {**PLAN, "goals": "新目标"})
    assert_problem(missing, 428, "if_match_required")
    stale = await _put(anonymous, officer, home.id, {**PLAN, "goals": "新目标"}, revision=2)
    assert_problem(stale, 412, "version_mismatch")
    second = await _put(anonymous, officer, home.id, {**PLAN, "goals": "新目标"}, revision=1)
    assert second.status_code == 200, second.text
    assert "location" not in second.headers
    assert (second.json()["revision"], second.headers["etag"]) == (2, 'W/"2"')
    entry = (await history(anonymous, officer, home.id))[-1]
    assert entry["changes"] == {
        "revision": {"before": 1, "after": 2},
        "goals": {"before": PLAN["goals"], "after": "新目标"},
    }


async def test_a_first_plan_with_a_stale_if_match_is_refused(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    assert_problem(
        await _put(anonymous, officer, home.id, PLAN, revision=1), 412, "version_mismatch"
    )
    assert (await fetch(app, select(HouseholdPlan.id))) == []


async def test_the_current_plan_and_every_version_newest_first(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    url = f"/api/v1/households/{home.id}/plan"
    assert_problem(await anonymous.get(url, headers=officer), 404, "plan_not_found")
    await _put(anonymous, officer, home.id, PLAN)
    await _put(anonymous, officer, home.id, {**PLAN, "goals": "第二版"}, revision=1)
    await _put(anonymous, officer, home.id, {"goals": "第三版"}, revision=2)
    current = await anonymous.get(url, headers=officer)
    assert current.status_code == 200
    assert (current.json()["revision"], current.json()["goals"]) == (3, "第三版")
    assert current.json()["planned_measures"] == []
    assert current.headers["etag"] == 'W/"3"'
    versions = await anonymous.get(f"{url}/versions", headers=officer)
    assert [(v["revision"], v["goals"]) for v in versions.json()["items"]] == [
        (3, "第三版"),
        (2, "第二版"),
        (1, PLAN["goals"]),
    ]
    grid = await anonymous.get(url, headers=await bearer(anonymous, "grid_worker"))
    assert grid.json()["revision"] == 3


async def test_a_review_date_in_the_past_is_refused_and_today_is_not(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    past = {**PLAN, "review_on": (business_today() - timedelta(days=1)).isoformat()}
    assert_invalid(
        await _put(anonymous, officer, home.id, past), ["body", "review_on"], "date_in_past"
    )
    today = {**PLAN, "review_on": business_today().isoformat()}
    assert (await _put(anonymous, officer, home.id, today)).status_code == 201


async def test_an_unknown_organization_is_refused(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    body = {**PLAN, "responsible_organization_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"}
    response = await _put(anonymous, officer, home.id, body)
    assert_invalid(response, ["body", "responsible_organization_id"], "not_found")
    assert (await fetch(app, select(HouseholdPlan.id))) == []


async def test_a_household_out_of_scope_is_not_found(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    await _put(anonymous, officer, home.id, PLAN)
    other = await bearer(anonymous, "street_officer_2")
    assert_problem(await _put(anonymous, other, home.id, PLAN, revision=1), 404, "not_found")
    url = f"/api/v1/households/{home.id}/plan"
    assert_problem(await anonymous.get(url, headers=other), 404, "not_found")
    assert_problem(await anonymous.get(f"{url}/versions", headers=other), 404, "not_found")


async def test_no_plan_yet_has_its_own_code_only_for_a_household_in_reach(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    url = f"/api/v1/households/{home.id}/plan"
    english = {**officer, "Accept-Language": "en"}
    body = assert_problem(await anonymous.get(url, headers=english), 404, "plan_not_found")
    assert (body["title"], body["detail"]) == (
        "No plan yet",
        "The household has no plan yet; PUT the first version to create it (no If-Match).",
    )
    chinese = assert_problem(await anonymous.get(url, headers=officer), 404, "plan_not_found")
    assert chinese["title"] == "尚无帮扶方案"
    other = await bearer(anonymous, "street_officer_2")
    assert_problem(await anonymous.get(url, headers=other), 404, "not_found")
    missing = "/api/v1/households/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11/plan"
    assert_problem(await anonymous.get(missing, headers=officer), 404, "not_found")


async def test_concurrent_first_plans_make_one_revision(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    responses = await asyncio.gather(
        *(_put(anonymous, officer, home.id, {"goals": f"目标 {i}"}) for i in range(4))
    )
    assert sorted(r.status_code for r in responses) == [201, 428, 428, 428], [
        r.text for r in responses
    ]
    for response in responses:
        if response.status_code == 428:
            assert_problem(response, 428, "if_match_required")
    assert await fetch(app, select(HouseholdPlan.revision)) == [(1,)]


async def test_plan_items_keep_their_ids_across_versions(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    """A measure names the plan item it carries out, so an item's id outlives a version."""
    home = await create_household(app)
    first = (await _put(anonymous, officer, home.id, PLAN)).json()
    assert [i["text"] for i in first["items"]] == PLAN["planned_measures"]
    medical, volunteer = (i["id"] for i in first["items"])
    body = {
        "goals": PLAN["goals"],
        "items": [{"id": medical, "text": "申请医疗救助和临时救助"}, {"text": "就业培训"}],
    }
    second = await _put(anonymous, officer, home.id, body, 1)
    assert second.status_code == 200, second.text
    items = second.json()["items"]
    assert items[0] == {"id": medical, "text": "申请医疗救助和临时救助"}
    assert items[1]["id"] not in (medical, volunteer)
    assert second.json()["planned_measures"] == ["申请医疗救助和临时救助", "就业培训"]
    # Texts only (older clients): an unchanged text keeps its item's id.
    texts = {"goals": PLAN["goals"], "planned_measures": ["就业培训", "申请医疗救助和临时救助"]}
    third = (await _put(anonymous, officer, home.id, texts, 2)).json()
    assert [i["id"] for i in third["items"]] == [items[1]["id"], medical]


async def test_plan_items_name_only_current_items_once_and_not_with_texts(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    first = (await _put(anonymous, officer, home.id, PLAN)).json()
    medical = first["items"][0]["id"]
    goals = PLAN["goals"]
    unknown = {
        "goals": goals,
        "items": [{"id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11", "text": "x"}],
    }
    assert_invalid(
        await _put(anonymous, officer, home.id, unknown, 1),
        ["body", "items", 0, "id"],
        "unknown_plan_item",
    )
    twice = {"goals": goals, "items": [{"id": medical, "text": "a"}, {"id": medical, "text": "b"}]}
    assert_invalid(
        await _put(anonymous, officer, home.id, twice, 1),
        ["body", "items", 1, "id"],
        "duplicate",
    )
    both = {**PLAN, "items": [{"text": "x"}]}
    assert_invalid(
        await _put(anonymous, officer, home.id, both, 1), ["body", "items"], "items_or_texts"
    )
    versions = await anonymous.get(f"/api/v1/households/{home.id}/plan/versions", headers=officer)
    assert [v["revision"] for v in versions.json()["items"]] == [1]
