"""Department officers reach a household through the ledger's rules only while a referral
to their organisation is open (DOMAIN 1, 7): then they read it (masked: no ID numbers),
audited; once the referral is closed, the household is not found."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from tests.api.households.ledger_http import bearer, fetch
from tests.api.referrals.referrals_http import HEALTH, act, send, set_row
from tests.factories import create_demo_district
from tests.problems import assert_problem

HOUSEHOLDS = "/api/v1/households"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def test_an_open_referral_opens_the_household_and_cancelling_closes_it(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous)
    officer = await bearer(anonymous, "department_officer")
    before = await anonymous.get(f"{HOUSEHOLDS}/{sent['household_id']}", headers=officer)
    assert before.status_code == 200, before.text
    [head] = before.json()["members"]
    assert "*" in head["id_number"]
    assert "*" not in head["name"]
    reads = await fetch(
        app,
        select(AuditEvent.action).where(
            AuditEvent.role == "department_officer", AuditEvent.object_id == sent["household_id"]
        ),
    )
    assert reads, "the read of personal data is audited"
    assert (await act(anonymous, sent, "cancel", "street_officer")).status_code == 200
    after = await anonymous.get(f"{HOUSEHOLDS}/{sent['household_id']}", headers=officer)
    assert_problem(after, 404, "not_found")
    # The referral itself stays readable to its receiver, closed.
    still = await anonymous.get(f"/api/v1/referrals/{sent['id']}", headers=officer)
    assert still.json()["status"] == "cancelled"


@pytest.mark.parametrize("closed", ["completed", "rejected", "failed"])
async def test_a_closed_referral_opens_nothing(
    app: FastAPI, anonymous: httpx.AsyncClient, closed: str
) -> None:
    sent = await send(app, anonymous)
    await set_row(app, sent["id"], status=closed)
    officer = await bearer(anonymous, "department_officer")
    response = await anonymous.get(f"{HOUSEHOLDS}/{sent['household_id']}", headers=officer)
    assert_problem(response, 404, "not_found")


async def test_a_referral_to_another_organisation_opens_nothing(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous, receiver=HEALTH)
    officer = await bearer(anonymous, "department_officer")
    response = await anonymous.get(f"{HOUSEHOLDS}/{sent['household_id']}", headers=officer)
    assert_problem(response, 404, "not_found")
    members = await anonymous.get(f"{HOUSEHOLDS}/{sent['household_id']}/members", headers=officer)
    assert_problem(members, 403, "forbidden")
