"""Assessments through the API, signed in as real demo users (DOMAIN 5): a published policy
of the district (L = 720 from 2026-01-01) and households written through the ledger's API."""

from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI

from app.eligibility.rules import window
from tests.api.eligibility.policies_http import published
from tests.api.eligibility.test_gather import SPAN, Ledger, income, ledger, member, spent
from tests.api.households.ledger_http import bearer

D = date(2026, 6, 15)
"""The re-checks' reference date: window 2025-06 .. 2026-05, under the policy from 2026-01-01.
With L = 720 and two members the lines are L 17 280, 2L 34 560, 5L 86 400 over the window."""
WINDOW = window(D)
OFFICER = "street_officer"


def assessments_of(household: Any) -> str:
    return f"/api/v1/households/{household.id}/assessments"


async def policy(http: httpx.AsyncClient) -> dict[str, Any]:
    return await published(http)


async def home(
    app: FastAPI,
    http: httpx.AsyncClient,
    *,
    monthly: str | None = "2000.00",
    rigid: str | None = None,
    assets: bool = True,
    months: tuple[date, ...] = WINDOW,
    **fields: Any,
) -> tuple[Any, Ledger]:
    """Two members since 2020 (the head born 1950 with a major illness), `monthly` income in
    each of `months`, `rigid` medical expenditure a month, no assets (declared) unless not
    `assets`; hukou in the district since 2010."""
    household, written = await ledger(
        app,
        http,
        members=[
            member("张秀英", "2020-01-01", "self", health="major_illness"),
            member("李建国", "2020-01-01", "spouse"),
        ],
        **fields,
    )
    span = {"from": f"{months[0]:%Y-%m}", "to": f"{months[-1]:%Y-%m}"}
    if monthly is not None:
        await written.put("incomes", [income(m, monthly) for m in months], **span)
    if rigid is not None:
        await written.put("expenditures", [spent(m, "medical", rigid) for m in months], **span)
    if assets:
        await written.put("assets", [])
    return household, written


async def run(
    http: httpx.AsyncClient, household: Any, username: str = OFFICER, **body: Any
) -> httpx.Response:
    """`POST .../assessments`; a re-check on D unless the body says otherwise."""
    sent = body or {"reference_date": D.isoformat()}
    return await http.post(
        assessments_of(household), json=sent, headers=await bearer(http, username)
    )


async def assessed(
    http: httpx.AsyncClient, household: Any, username: str = OFFICER, **body: Any
) -> dict[str, Any]:
    response = await run(http, household, username, **body)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


async def read(
    http: httpx.AsyncClient, assessment_id: str, username: str = OFFICER
) -> httpx.Response:
    return await http.get(
        f"/api/v1/assessments/{assessment_id}", headers=await bearer(http, username)
    )


async def accept(
    http: httpx.AsyncClient, assessment_id: str, username: str = OFFICER
) -> httpx.Response:
    return await http.post(
        f"/api/v1/assessments/{assessment_id}/accept", headers=await bearer(http, username)
    )


__all__ = ["SPAN", "income", "spent"]
