"""A social worker's referral lists hold only the streets whose confidentiality agreement
with its agency is valid today (Beijing 7), as one referral read alone does: a referral
tells of its household."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from tests.api.households.ledger_http import bearer, open_to_social_worker
from tests.api.referrals.referrals_http import REFERRALS, send, set_row
from tests.factories import GRID_B1_1, assign_household, create_demo_district
from tests.problems import assert_problem

WORKLIST = "/api/v1/worklists/referrals"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _overdue_in_both_streets(
    app: FastAPI, http: httpx.AsyncClient
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An overdue referral in street A and one in street B, both of households assigned to
    the social worker."""
    in_a = await send(app, http)
    in_b = await send(app, http, username="street_officer_2", region=GRID_B1_1)
    for sent in (in_a, in_b):
        await assign_household(app, uuid.UUID(sent["household_id"]))
        await set_row(app, sent["id"], due_on=business_today() - timedelta(days=3))
    return in_a, in_b


async def test_the_lists_hold_only_the_streets_with_a_valid_agreement(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    in_a, in_b = await _overdue_in_both_streets(app, anonymous)
    worker = await open_to_social_worker(app, anonymous)
    for path in (REFERRALS, WORKLIST):
        response = await anonymous.get(path, headers=worker)
        assert response.status_code == 200, response.text
        assert [r["id"] for r in response.json()["items"]] == [in_a["id"]], path
    # Street B's referral stays out of reach one by one too.
    alone = await anonymous.get(f"{REFERRALS}/{in_b['id']}", headers=worker)
    assert_problem(alone, 403, "confidentiality_agreement_required")
    # With street B's agreement too, both.
    await open_to_social_worker(app, anonymous, street="500112002")
    listed = await anonymous.get(REFERRALS, headers=worker)
    assert {r["id"] for r in listed.json()["items"]} == {in_a["id"], in_b["id"]}


async def test_a_social_worker_without_any_agreement_lists_nothing(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    in_a, _ = await _overdue_in_both_streets(app, anonymous)
    worker = await bearer(anonymous, "social_worker")
    for path in (REFERRALS, WORKLIST):
        response = await anonymous.get(path, headers=worker)
        assert_problem(response, 403, "confidentiality_agreement_required")
        assert in_a["id"] not in response.text
