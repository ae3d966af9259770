"""Overdue referrals (DOMAIN 7): open referrals past their due day, for the sending side in its
reach and the district. Due today is not overdue; due yesterday is."""

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from tests.api.households.ledger_http import bearer
from tests.api.referrals.referrals_http import REFERRALS, send, set_row
from tests.factories import GRID_B1_1, create_demo_district
from tests.problems import assert_problem

WORKLIST = "/api/v1/worklists/referrals"
TODAY = business_today()


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _ids(http: httpx.AsyncClient, username: str, **params: str) -> list[str]:
    response = await http.get(WORKLIST, params=params, headers=await bearer(http, username))
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["items"]]


async def test_due_yesterday_is_overdue_and_due_today_is_not(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    today = await send(app, anonymous)
    yesterday = await send(app, anonymous)
    older = await send(app, anonymous)
    closed = await send(app, anonymous)
    await set_row(app, today["id"], due_on=TODAY)
    await set_row(app, yesterday["id"], due_on=TODAY - timedelta(days=1), status="in_progress")
    await set_row(app, older["id"], due_on=TODAY - timedelta(days=9), status="received")
    await set_row(app, closed["id"], due_on=TODAY - timedelta(days=9), status="completed")
    assert await _ids(anonymous, "street_officer") == [older["id"], yesterday["id"]]
    assert await _ids(anonymous, "district_officer") == [older["id"], yesterday["id"]]
    listed = await anonymous.get(
        REFERRALS, params={"overdue": "true"}, headers=await bearer(anonymous, "street_officer")
    )
    assert [r["id"] for r in listed.json()["items"]] == [yesterday["id"], older["id"]]
    assert all(r["overdue"] for r in listed.json()["items"])


async def test_each_sees_its_own_reach(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    ours = await send(app, anonymous)
    theirs = await send(app, anonymous, username="street_officer_2", region=GRID_B1_1)
    for sent in (ours, theirs):
        await set_row(app, sent["id"], due_on=TODAY - timedelta(days=1))
    assert await _ids(anonymous, "street_officer") == [ours["id"]]
    assert await _ids(anonymous, "street_officer_2") == [theirs["id"]]
    assert await _ids(anonymous, "district_officer", region="500112002") == [theirs["id"]]


@pytest.mark.parametrize("username", ["department_officer", "grid_worker", "auditor", "admin"])
async def test_other_roles_are_403(anonymous: httpx.AsyncClient, username: str) -> None:
    response = await anonymous.get(WORKLIST, headers=await bearer(anonymous, username))
    assert_problem(response, 403, "forbidden")
