"""Arranging the charity federation's monthly report: households with needs, referrals,
consents through the API, and what the API cannot make (a past stay, a met need) directly."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from app.households.models import HouseholdEpisode, HouseholdNeed
from tests.api.households.ledger_http import bearer, organization_id
from tests.api.referrals import referrals_http
from tests.factories import DEMO_PASSWORD

REPORTS = "/api/v1/charity-reports"
CHARITY = "渝北区慈善会"
RED_CROSS = "渝北区红十字会"


async def client_bearer(http: httpx.AsyncClient, client_id: str) -> dict[str, str]:
    """A partner system's token (client credentials)."""
    response = await http.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, DEMO_PASSWORD),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def generate(
    http: httpx.AsyncClient, month: str, region: str = "500112001", username: str = "street_officer"
) -> httpx.Response:
    return await http.post(
        REPORTS, json={"region_code": region, "month": month}, headers=await bearer(http, username)
    )


async def generated(
    http: httpx.AsyncClient, month: str, region: str = "500112001", username: str = "street_officer"
) -> dict[str, Any]:
    response = await generate(http, month, region, username)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def refer(
    app: FastAPI, http: httpx.AsyncClient, household: Any, code: str, receiver: str = RED_CROSS
) -> dict[str, Any]:
    """The street officer refers the household's need of `code` to `receiver`."""
    return await referrals_http.refer(app, http, household, receiver, code)


async def consent_to_charity(
    app: FastAPI,
    http: httpx.AsyncClient,
    household: Any,
    given_on: date,
    valid_until: date | None = None,
) -> dict[str, Any]:
    response = await http.post(
        f"/api/v1/households/{household.id}/consents",
        json={
            "organization_id": str(await organization_id(app, CHARITY)),
            "person_id": str(household.head_person_id),
            "given_on": given_on.isoformat(),
            "valid_until": None if valid_until is None else valid_until.isoformat(),
            "scope": ["identity_contact", "needs_circumstances"],
            "purpose": "向区慈善会报送救助需求",
            "method": "written",
        },
        headers=await bearer(http, "street_officer"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def withdraw(http: httpx.AsyncClient, consent: dict[str, Any]) -> None:
    response = await http.post(
        f"/api/v1/consents/{consent['id']}/withdraw",
        json={"reason": "户主不再同意"},
        headers={**await bearer(http, "street_officer"), "If-Match": f'W/"{consent["version"]}"'},
    )
    assert response.status_code == 200, response.text


async def set_need(app: FastAPI, household_id: uuid.UUID, code: str, **values: Any) -> None:
    """Put a need instance into a status, or date it, directly (arranging, not acting)."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(HouseholdNeed)
            .where(HouseholdNeed.household_id == household_id, HouseholdNeed.code == code)
            .values(**values)
        )


async def entered_on(app: FastAPI, household_id: uuid.UUID, day: date) -> None:
    """Date the household's stay in the ledger back to `day` (arranging)."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(HouseholdEpisode)
            .where(HouseholdEpisode.household_id == household_id)
            .values(entered_on=day)
        )


def at(day: date, hour: int = 12) -> datetime:
    """Noon of `day`, UTC (a time inside the business day in Asia/Shanghai)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
