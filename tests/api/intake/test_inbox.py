"""The inbox (DOMAIN 6): each user reads its own items, newest first, and marks them read."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.intake.deadlines.rules import Kind
from tests.api.households.ledger_http import bearer, user_id
from tests.api.intake.deadline_seeds import run_worker, seed_deadline, today
from tests.factories import GRID_A1_1, assign_household, create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

INBOX = "/api/v1/inbox"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _items(http: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> Any:
    response = await http.get(INBOX, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _visit_assigned(app: FastAPI, http: httpx.AsyncClient) -> dict[str, Any]:
    """A visit of a household assigned to the social worker: its inbox gets the assignment."""
    household = await create_household(app)
    await assign_household(app, household.id)
    response = await http.post(
        "/api/v1/home-visits",
        json={
            "household_id": str(household.id),
            "visitor_id": str(await user_id(app, "social_worker")),
            "scheduled_on": today().isoformat(),
        },
        headers=await bearer(http, "street_officer"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class TestInbox:
    async def test_each_user_reads_its_own_items_newest_first(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        social_id = await user_id(app, "social_worker")
        missed = await seed_deadline(
            app,
            Kind.visit_after_hardship,
            today() - timedelta(days=20),
            region_code=GRID_A1_1,
            responsible_user_id=social_id,
        )
        await run_worker(app)
        visit = await _visit_assigned(app, anonymous)
        social = await bearer(anonymous, "social_worker")

        body = await _items(anonymous, social)

        assert body["next_cursor"] is None
        newest, oldest = body["items"]
        assert set(newest) == {
            "id",
            "event",
            "subject_type",
            "subject_id",
            "household_id",
            "created_at",
            "read_at",
        }
        assert (newest["event"], newest["subject_type"], newest["subject_id"]) == (
            "home_visit.assigned",
            "home_visit",
            visit["id"],
        )
        assert newest["household_id"] == visit["household_id"]
        assert newest["read_at"] is None
        assert (oldest["event"], oldest["subject_id"], oldest["household_id"]) == (
            "deadline.missed",
            str(missed.id),
            None,
        )
        officer = await bearer(anonymous, "street_officer")
        assert (await _items(anonymous, officer))["items"] == []

    async def test_marking_read_and_the_unread_filter(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        first = await _visit_assigned(app, anonymous)
        second = await _visit_assigned(app, anonymous)
        social = await bearer(anonymous, "social_worker")
        items = (await _items(anonymous, social))["items"]
        assert [i["subject_id"] for i in items] == [second["id"], first["id"]]

        read = await anonymous.post(f"{INBOX}/{items[1]['id']}/read", headers=social)

        assert read.status_code == 200, read.text
        assert read.json()["id"] == items[1]["id"]
        read_at = read.json()["read_at"]
        assert read_at is not None
        again = await anonymous.post(f"{INBOX}/{items[1]['id']}/read", headers=social)
        assert again.json()["read_at"] == read_at
        unread = await _items(anonymous, social, unread="true")
        assert [i["id"] for i in unread["items"]] == [items[0]["id"]]
        done = await _items(anonymous, social, unread="false")
        assert [i["id"] for i in done["items"]] == [items[1]["id"]]
        assert_invalid(
            await anonymous.get(INBOX, params={"unread": "maybe"}, headers=social),
            ["query", "unread"],
        )

    async def test_another_users_item_is_not_found(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        await _visit_assigned(app, anonymous)
        social = await bearer(anonymous, "social_worker")
        item = (await _items(anonymous, social))["items"][0]
        officer = await bearer(anonymous, "street_officer")
        assert_problem(
            await anonymous.post(f"{INBOX}/{item['id']}/read", headers=officer), 404, "not_found"
        )
        assert_problem(
            await anonymous.post(f"{INBOX}/{uuid.uuid4()}/read", headers=social), 404, "not_found"
        )
        assert (await _items(anonymous, social))["items"][0]["read_at"] is None

    async def test_pages_newest_first(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        visits = [await _visit_assigned(app, anonymous) for _ in range(3)]
        social = await bearer(anonymous, "social_worker")
        first = await _items(anonymous, social, limit=2)
        rest = await _items(anonymous, social, limit=2, cursor=first["next_cursor"])
        assert rest["next_cursor"] is None
        seen = [i["subject_id"] for i in first["items"] + rest["items"]]
        assert seen == [v["id"] for v in reversed(visits)]

    async def test_an_anonymous_caller_is_refused(self, anonymous: httpx.AsyncClient) -> None:
        assert_problem(await anonymous.get(INBOX), 401, "unauthorized")
