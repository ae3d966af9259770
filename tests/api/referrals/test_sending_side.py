"""Cancel is the sender's (DOMAIN 7): the user who sent the referral, or staff whose scope
covers the region it was sent from (that office, or above it); others who see it get 403,
those who do not 404; `allowed` offers `cancel` to the sending side only."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from tests.api.households.ledger_http import bearer, fetch
from tests.api.referrals.referrals_http import REFERRALS, act, send, set_row
from tests.factories import create_demo_district
from tests.problems import assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _allowed(http: httpx.AsyncClient, referral: dict[str, Any], username: str) -> Any:
    response = await http.get(f"{REFERRALS}/{referral['id']}", headers=await bearer(http, username))
    assert response.status_code == 200, response.text
    return response.json()["allowed"]


async def test_staff_below_the_sending_office_see_it_but_may_not_cancel(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous)
    assert sent["sender_region_code"] == "500112001"
    assert await _allowed(anonymous, sent, "community_worker") == []
    refused = await act(anonymous, sent, "cancel", "community_worker")
    assert_problem(refused, 403, "forbidden")
    denied = await fetch(
        app,
        select(AuditEvent.action).where(
            AuditEvent.object_id == sent["id"], AuditEvent.outcome == "denied"
        ),
    )
    assert denied == [("denied:referral.cancel",)]
    assert (await _allowed(anonymous, sent, "street_officer")) == ["cancel"]


async def test_the_district_above_the_sending_office_cancels(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous)
    assert await _allowed(anonymous, sent, "district_officer") == ["cancel"]
    cancelled = await act(anonymous, sent, "cancel", "district_officer", note="区级统筹解决")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"


async def test_the_user_who_sent_it_cancels_though_below_the_office(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous, username="community_worker")
    assert sent["sender_region_code"] == "500112001001"
    assert sent["allowed"] == ["cancel"]
    # The street office above the community worker's office is the sending side too.
    assert await _allowed(anonymous, sent, "street_officer") == ["cancel"]
    cancelled = await act(anonymous, sent, "cancel", "community_worker")
    assert cancelled.status_code == 200, cancelled.text


async def test_a_district_referral_is_not_the_streets_to_cancel(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous, username="district_officer")
    assert sent["sender_region_code"] == "500112"
    assert await _allowed(anonymous, sent, "street_officer") == []
    assert_problem(await act(anonymous, sent, "cancel", "street_officer"), 403, "forbidden")
    assert_problem(await act(anonymous, sent, "cancel", "street_officer_2"), 404, "not_found")


async def test_a_referral_whose_sender_is_gone_is_the_office_above_its_region(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous)
    # Sent by a user since gone, from a community office: the street above it cancels.
    await set_row(app, sent["id"], sent_by=None, sender_region_code="500112001002")
    assert await _allowed(anonymous, sent, "community_worker") == []
    assert await _allowed(anonymous, sent, "street_officer") == ["cancel"]
