"""The household list's filters and sorts a screen needs (issue 13): paired to me, the head's
name, has a plan, exit reason; sorts with a keyset cursor that holds the sort key."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.households.models import Household
from tests.api.households.ledger_http import exit_household
from tests.api.households.records import HOUSEHOLDS, audit_events, bearer, user_id
from tests.factories import create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

GRID_1 = "500112001001001"
GRID_2 = "500112001001002"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _ids(
    http: httpx.AsyncClient, username: str = "street_officer", **params: Any
) -> list[str]:
    response = await http.get(HOUSEHOLDS, params=params, headers=await bearer(http, username))
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    return [h["id"] for h in response.json()["items"]]


async def _all_pages(
    http: httpx.AsyncClient, params: dict[str, Any], username: str = "street_officer"
) -> list[dict[str, Any]]:
    """Every page of the list, limit 2, following the cursors."""
    headers = await bearer(http, username)
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": 2} | ({"cursor": cursor} if cursor else {})
        response = await http.get(HOUSEHOLDS, params=query, headers=headers)
        assert response.status_code == 200, response.text
        seen += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen


async def _household(http: httpx.AsyncClient, hid: Any) -> dict[str, Any]:
    response = await http.get(f"{HOUSEHOLDS}/{hid}", headers=await bearer(http, "street_officer"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestPairedToMe:
    async def test_a_worker_lists_the_households_paired_with_it(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        paired = await create_household(app, region=GRID_1)
        other = await create_household(app, region=GRID_1)
        officer = await bearer(anonymous, "street_officer")
        worker = str(await user_id(app, "community_worker"))
        response = await anonymous.put(
            f"{HOUSEHOLDS}/{paired.id}/paired-worker",
            json={"worker_id": worker},
            headers={**officer, "If-Match": f'W/"{paired.version}"'},
        )
        assert response.status_code == 200, response.text

        assert await _ids(anonymous, "community_worker", paired_to_me="true") == [str(paired.id)]
        assert await _ids(anonymous, "community_worker", paired_to_me="false") == [str(other.id)]
        assert await _ids(anonymous, "street_officer", paired_to_me="true") == []
        assert sorted(await _ids(anonymous, "street_officer", paired_to_me="false")) == sorted(
            [str(paired.id), str(other.id)]
        )


class TestHasPlan:
    async def test_with_and_without_a_plan(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        planned = await create_household(app)
        unplanned = await create_household(app)
        response = await anonymous.put(
            f"{HOUSEHOLDS}/{planned.id}/plan",
            json={"goals": "稳定基本生活"},
            headers=await bearer(anonymous, "street_officer"),
        )
        assert response.status_code == 201, response.text

        assert await _ids(anonymous, has_plan="true") == [str(planned.id)]
        assert await _ids(anonymous, has_plan="false") == [str(unplanned.id)]


class TestExitReason:
    async def test_exited_households_by_reason(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        recovered = await create_household(app)
        deceased = await create_household(app)
        await create_household(app)
        for household, reason in ((recovered, "out_of_hardship"), (deceased, "deceased")):
            response = await exit_household(anonymous, household.id, reason)
            assert response.status_code == 200, response.text

        assert await _ids(anonymous, status="exited", exit_reason="deceased") == [str(deceased.id)]
        assert await _ids(anonymous, status="all", exit_reason="out_of_hardship") == [
            str(recovered.id)
        ]
        assert await _ids(anonymous, exit_reason="deceased") == [], "active by default"

    async def test_a_malformed_reason_is_refused(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get(
            HOUSEHOLDS,
            params={"exit_reason": "Out Of Hardship"},
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["query", "exit_reason"], "pattern")


class TestHeadName:
    async def test_the_heads_name_begins_with(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        xiaoming = await create_household(
            app, members=[{"name": "王小明", "relation_to_head": "self"}]
        )
        dali = await create_household(app, members=[{"name": "王大力", "relation_to_head": "self"}])
        await create_household(
            app,
            members=[
                {"name": "李四", "relation_to_head": "self"},
                {"name": "王芳", "relation_to_head": "spouse"},
            ],
        )

        assert sorted(await _ids(anonymous, name="王")) == sorted([str(xiaoming.id), str(dali.id)])
        assert await _ids(anonymous, name="王小") == [str(xiaoming.id)]
        assert await _ids(anonymous, name="小明") == [], "a prefix, not a substring"
        assert await _ids(anonymous, name="%") == [], "LIKE wildcards are literal"

    async def test_roles_that_see_names_masked_may_not_filter_by_them(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        await create_household(app, members=[{"name": "王小明", "relation_to_head": "self"}])

        response = await anonymous.get(
            HOUSEHOLDS, params={"name": "王"}, headers=await bearer(anonymous, "grid_worker")
        )

        assert_problem(response, 403, "forbidden")
        assert "王" not in response.text
        denied = await audit_events(app, "denied:households:read+name")
        assert [e.outcome for e in denied] == ["denied"]
        unfiltered = await anonymous.get(HOUSEHOLDS, headers=await bearer(anonymous, "grid_worker"))
        assert unfiltered.status_code == 200, "the list itself stays open to the grid worker"


class TestSorts:
    async def test_by_region_with_ties_pages_stably(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = [await create_household(app, region=GRID_2) for _ in range(3)]
        created += [await create_household(app, region=GRID_1) for _ in range(2)]
        expected = sorted(created, key=lambda h: (h.region_code, str(h.id)))

        ascending = await _all_pages(anonymous, {"sort": "region_code"})
        descending = await _all_pages(anonymous, {"sort": "-region_code"})

        assert [h["id"] for h in ascending] == [str(h.id) for h in expected]
        assert [h["id"] for h in descending] == [str(h.id) for h in reversed(expected)]

    async def test_by_last_change_with_ties_pages_stably(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        created = [await create_household(app) for _ in range(5)]
        same = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
        later = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
        async with app.state.services.database.sessionmaker() as session, session.begin():
            await session.execute(update(Household).values(updated_at=same))
            await session.execute(
                update(Household).where(Household.id == created[2].id).values(updated_at=later)
            )
        tied = sorted((str(h.id) for h in created if h is not created[2]), reverse=True)

        latest_first = await _all_pages(anonymous, {"sort": "-updated_at"})

        assert [h["id"] for h in latest_first] == [str(created[2].id), *tied]

    async def test_newest_entries_first(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        created = [await create_household(app) for _ in range(3)]

        newest_first = await _all_pages(anonymous, {"sort": "-created_at"})

        assert [h["id"] for h in newest_first] == sorted((str(h.id) for h in created), reverse=True)

    async def test_a_cursor_belongs_to_its_sort(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        for _ in range(3):
            await create_household(app)
        headers = await bearer(anonymous, "street_officer")
        first = await anonymous.get(
            HOUSEHOLDS, params={"limit": 1, "sort": "updated_at"}, headers=headers
        )
        cursor = first.json()["next_cursor"]

        replayed = await anonymous.get(
            HOUSEHOLDS,
            params={"limit": 1, "cursor": cursor, "sort": "-updated_at"},
            headers=headers,
        )

        assert_invalid(replayed, ["query", "cursor"], "invalid_cursor")

    async def test_an_unknown_sort_is_refused(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get(
            HOUSEHOLDS, params={"sort": "name"}, headers=await bearer(anonymous, "street_officer")
        )
        assert_invalid(response, ["query", "sort"], "pattern")
