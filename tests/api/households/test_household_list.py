"""The household list (DOMAIN 3-4): filters, jurisdiction, paging, masking, audit."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.households.models import Household
from tests.api.households.ledger_http import exit_household
from tests.api.households.records import (
    HOUSEHOLDS,
    assign_to_social_worker,
    audit_events,
    bearer,
    open_street_to_social_worker,
    user_id,
)
from tests.factories import create_complete_household, create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

A_GRID_1 = "500112001001001"
A_GRID_2 = "500112001001002"
A_COMMUNITY_2 = "500112001002001"
B_GRID = "500112002001001"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _ids(
    http: httpx.AsyncClient, username: str = "street_officer", **params: Any
) -> list[str]:
    response = await http.get(HOUSEHOLDS, params=params, headers=await bearer(http, username))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None
    return [h["id"] for h in body["items"]]


def _sorted(*households: Household) -> list[str]:
    """The list's order: by id."""
    return sorted(str(h.id) for h in households)


async def _exit(http: httpx.AsyncClient, household: Household) -> None:
    response = await exit_household(http, household.id)
    assert response.status_code == 200, response.text


class TestFilters:
    async def test_region_subtree(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        grid_1 = await create_household(app, region=A_GRID_1)
        grid_2 = await create_household(app, region=A_GRID_2)
        other = await create_household(app, region=A_COMMUNITY_2)
        await create_household(app, region=B_GRID)
        assert await _ids(anonymous) == _sorted(grid_1, grid_2, other)
        assert await _ids(anonymous, region="500112001001") == _sorted(grid_1, grid_2)
        assert await _ids(anonymous, region=A_GRID_2) == _sorted(grid_2)
        assert await _ids(anonymous, region="500112001002") == _sorted(other)
        assert await _ids(anonymous, region="500112002") == []

    async def test_a_malformed_region_is_refused(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get(
            HOUSEHOLDS,
            params={"region": "50011200"},
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["query", "region"], "pattern")

    async def test_status_active_by_default_exited_and_all(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        staying = await create_household(app)
        leaving = await create_household(app)
        await _exit(anonymous, leaving)
        assert await _ids(anonymous) == _sorted(staying)
        assert await _ids(anonymous, status="active") == _sorted(staying)
        assert await _ids(anonymous, status="exited") == _sorted(leaving)
        assert await _ids(anonymous, status="all") == _sorted(staying, leaving)
        response = await anonymous.get(
            HOUSEHOLDS,
            params={"status": "deleted"},
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["query", "status"], "pattern")

    async def test_target_type(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        dibao = await create_household(app, target_types=["dibao"])
        both = await create_household(app, target_types=["dibao", "registered_hardship"])
        tekun = await create_household(app, target_types=["tekun"])
        await create_household(app)
        assert await _ids(anonymous, target_type="dibao") == _sorted(dibao, both)
        assert await _ids(anonymous, target_type="registered_hardship") == _sorted(both)
        assert await _ids(anonymous, target_type="tekun") == _sorted(tekun)
        assert await _ids(anonymous, target_type="income_poverty") == []
        response = await anonymous.get(
            HOUSEHOLDS,
            params={"target_type": "rich"},
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["query", "target_type"])

    async def test_category_of_the_household_or_of_a_member(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household_level = await create_household(
            app, categories=[{"category": "social_assistance", "subtype": "assistance_dibao"}]
        )
        member_level = await create_household(
            app,
            members=[
                {
                    "name": "张秀英",
                    "relation_to_head": "self",
                    "categories": [{"category": "elderly_in_distress"}],
                }
            ],
        )
        await create_household(app, categories=[{"category": "other"}])
        assert await _ids(anonymous, category="social_assistance") == _sorted(household_level)
        assert await _ids(anonymous, category="elderly_in_distress") == _sorted(member_level)
        assert await _ids(anonymous, category="severe_disability") == []

    async def test_cause_and_need(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        ill = await create_household(app, causes=["illness"], needs=["medical", "care"])
        old = await create_household(app, causes=["old_age", "illness"], needs=["care"])
        await create_household(app, causes=["unemployment"], needs=["employment"])
        assert await _ids(anonymous, cause="illness") == _sorted(ill, old)
        assert await _ids(anonymous, cause="old_age") == _sorted(old)
        assert await _ids(anonymous, need="care") == _sorted(ill, old)
        assert await _ids(anonymous, need="medical") == _sorted(ill)
        assert await _ids(anonymous, cause="illness", need="medical") == _sorted(ill)

    async def test_complete(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        complete = await create_complete_household(
            app,
            categories=[{"category": "other"}],
            basic_situation="独居",
            emergency_situation="无",
            needs=["care"],
            no_help_reason="declined_by_household",
        )
        incomplete = await create_household(app, categories=[{"category": "other"}])
        assert (complete.complete, incomplete.complete) == (True, False)
        assert await _ids(anonymous, complete="true") == _sorted(complete)
        assert await _ids(anonymous, complete="false") == _sorted(incomplete)

    async def test_address_contains_text(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        lake = await create_household(app, address="双龙湖街道百果园 3 栋 2 单元")
        hill = await create_household(app, address="双凤桥街道空港 5 栋")
        assert await _ids(anonymous, address="百果园") == _sorted(lake)
        assert await _ids(anonymous, address=" 5 栋 ") == _sorted(hill)
        assert await _ids(anonymous, address="栋") == _sorted(lake, hill)
        assert await _ids(anonymous, address="不存在") == []

    async def test_percent_and_underscore_are_literal(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        percent = await create_household(app, address="幸福里 100% 号")
        underscore = await create_household(app, address="幸福里 A_1 号")
        plain = await create_household(app, address="幸福里 AB1 号")
        slash = await create_household(app, address="幸福里 7/1 号")
        assert await _ids(anonymous, address="%") == _sorted(percent)
        assert await _ids(anonymous, address="_") == _sorted(underscore)
        assert await _ids(anonymous, address="A_1") == _sorted(underscore)
        assert await _ids(anonymous, address="/") == _sorted(slash)
        assert await _ids(anonymous, address="幸福里") == _sorted(percent, underscore, plain, slash)

    async def test_filters_combine(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        wanted = await create_household(
            app, region=A_GRID_2, target_types=["dibao"], causes=["illness"]
        )
        await create_household(app, region=A_GRID_1, target_types=["dibao"], causes=["illness"])
        await create_household(app, region=A_GRID_2, target_types=["tekun"], causes=["illness"])
        ids = await _ids(anonymous, region="500112001001002", target_type="dibao", cause="illness")
        assert ids == _sorted(wanted)


class TestJurisdiction:
    async def test_another_streets_officer_never_sees_them(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        await create_household(app, region=A_GRID_1)
        await create_household(app, region=A_COMMUNITY_2)
        in_b = await create_household(app, region=B_GRID)
        assert await _ids(anonymous, "street_officer_2", status="all") == _sorted(in_b)
        assert await _ids(anonymous, "street_officer_2", region="500112001") == []

    @pytest.mark.parametrize(
        ("username", "visible"),
        [
            ("district_officer", {A_GRID_1, A_GRID_2, A_COMMUNITY_2, B_GRID}),
            ("street_officer", {A_GRID_1, A_GRID_2, A_COMMUNITY_2}),
            ("community_worker", {A_GRID_1, A_GRID_2}),
            ("grid_worker", {A_GRID_1}),
        ],
    )
    async def test_each_role_lists_its_region(
        self, app: FastAPI, anonymous: httpx.AsyncClient, username: str, visible: set[str]
    ) -> None:
        regions = {}
        for region in (A_GRID_1, A_GRID_2, A_COMMUNITY_2, B_GRID):
            regions[str((await create_household(app, region=region)).id)] = region
        ids = await _ids(anonymous, username)
        assert {regions[i] for i in ids} == visible

    async def test_social_workers_list_assigned_households_of_open_streets(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        open_street = await create_household(app, region=A_GRID_1)
        closed_street = await create_household(app, region=B_GRID)
        await create_household(app, region=A_GRID_2)
        await assign_to_social_worker(app, anonymous, str(open_street.id))
        await assign_to_social_worker(
            app, anonymous, str(closed_street.id), officer="street_officer_2"
        )
        refused = await anonymous.get(HOUSEHOLDS, headers=await bearer(anonymous, "social_worker"))
        assert_problem(refused, 403, "confidentiality_agreement_required")
        await open_street_to_social_worker(app, anonymous, street="500112001")
        assert await _ids(anonymous, "social_worker") == _sorted(open_street)


async def test_pages_are_stable_and_complete(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    created = [await create_household(app) for _ in range(5)]
    headers = await bearer(anonymous, "street_officer")
    seen: list[str] = []
    cursor: str | None = None
    sizes: list[int] = []
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        response = await anonymous.get(HOUSEHOLDS, params=params, headers=headers)
        assert response.status_code == 200, response.text
        sizes.append(len(response.json()["items"]))
        seen += [h["id"] for h in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert sizes == [2, 2, 1]
    assert seen == _sorted(*created)
    again = await anonymous.get(HOUSEHOLDS, params={"limit": 2}, headers=headers)
    assert [h["id"] for h in again.json()["items"]] == seen[:2]


async def test_a_cursor_is_bound_to_its_filters(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    for _ in range(3):
        await create_household(app, needs=["care"])
    headers = await bearer(anonymous, "street_officer")
    first = await anonymous.get(HOUSEHOLDS, params={"limit": 1}, headers=headers)
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    response = await anonymous.get(
        HOUSEHOLDS, params={"limit": 1, "cursor": cursor, "need": "care"}, headers=headers
    )
    assert_invalid(response, ["query", "cursor"], "invalid_cursor")


async def test_a_limit_above_200_is_refused(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get(
        HOUSEHOLDS, params={"limit": 201}, headers=await bearer(anonymous, "street_officer")
    )
    assert_invalid(response, ["query", "limit"], "too_large")


@pytest.mark.parametrize(
    ("username", "head_name"), [("grid_worker", "张**"), ("community_worker", "张秀英")]
)
async def test_summaries_with_the_head_name_masked_per_role(
    app: FastAPI, anonymous: httpx.AsyncClient, username: str, head_name: str
) -> None:
    created = await create_household(
        app,
        target_types=["tekun", "registered_hardship"],
        categories=[{"category": "social_assistance"}, {"category": "other"}],
        members=[
            {
                "name": "张秀英",
                "relation_to_head": "self",
                "categories": [{"category": "other"}],
            }
        ],
    )
    response = await anonymous.get(HOUSEHOLDS, headers=await bearer(anonymous, username))
    [summary] = response.json()["items"]
    assert summary == {
        "id": str(created.id),
        "ledger_number": created.ledger_number,
        "region_code": A_GRID_1,
        "address": created.address,
        "status": "active",
        "head_name": head_name,
        "target_types": ["registered_hardship", "tekun"],
        "categories": ["other", "social_assistance"],
        "complete": False,
        "attention": None,
        "version": 1,
        "updated_at": summary["updated_at"],
    }
    assert summary["updated_at"].endswith("Z")


async def test_a_household_without_a_head_has_no_head_name(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await create_household(app, members=[])
    response = await anonymous.get(HOUSEHOLDS, headers=await bearer(anonymous, "street_officer"))
    assert [h["head_name"] for h in response.json()["items"]] == [None]


async def test_the_list_is_audited(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    await create_household(app)
    await _ids(anonymous, "community_worker", region="500112001001")
    events = await audit_events(app, "household.list")
    assert [(e.actor, e.region_code, e.outcome) for e in events] == [
        (f"user:{await user_id(app, 'community_worker')}", "500112001001", "success")
    ]


@pytest.mark.parametrize("username", ["admin", "department_officer"])
async def test_roles_without_ledger_access_are_forbidden(
    anonymous: httpx.AsyncClient, username: str
) -> None:
    response = await anonymous.get(HOUSEHOLDS, headers=await bearer(anonymous, username))
    assert_problem(response, 403, "forbidden")
