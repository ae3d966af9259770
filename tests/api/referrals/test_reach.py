"""Department officers reach a household through the ledger's rules only while a referral
to their organisation is open (DOMAIN 1, 7): then they read it (masked: no ID numbers),
audited; once the referral is closed, the household is not found. An organisation that is
not a government department reaches it only while the household's consent to share every
kind of data with it is in force (PIPL art. 23)."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.consents.public import FULL_SCOPE
from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.dictionaries.catalog import CATALOG
from tests.api.households.ledger_http import bearer, fetch
from tests.api.referrals.referrals_http import (
    HEALTH,
    MEDICAL_SECURITY,
    act,
    consent,
    department_officer_of,
    household_with_need,
    need_of,
    refer_need,
    send,
    set_row,
)
from tests.factories import create_demo_district, create_household
from tests.problems import assert_problem

HOUSEHOLDS = "/api/v1/households"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _sent_with_consent(
    app: FastAPI, http: httpx.AsyncClient, scope: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A referral of a household's medical need to the Red Cross, and the household's consent
    to share `scope` with it."""
    household, need = await household_with_need(app)
    given = await consent(app, http, household, scope)
    response = await http.post(
        "/api/v1/referrals",
        json={
            "need_id": str(need),
            "receiver_organization_id": given["organization_id"],
        },
        headers=await bearer(http, "street_officer"),
    )
    assert response.status_code == 201, response.text
    sent: dict[str, Any] = response.json()
    return sent, given


async def test_an_open_referral_opens_the_household_and_cancelling_closes_it(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent, _ = await _sent_with_consent(app, anonymous, sorted(FULL_SCOPE))
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


async def test_a_government_department_reaches_the_household_without_consent(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    await department_officer_of(app, MEDICAL_SECURITY, "medical_security_officer")
    sent = await send(app, anonymous, receiver=MEDICAL_SECURITY)
    officer = await bearer(anonymous, "medical_security_officer")
    response = await anonymous.get(f"{HOUSEHOLDS}/{sent['household_id']}", headers=officer)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == sent["household_id"]


async def test_without_consent_the_red_cross_works_from_the_referral_alone(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent = await send(app, anonymous)
    officer = await bearer(anonymous, "department_officer")
    response = await anonymous.get(f"{HOUSEHOLDS}/{sent['household_id']}", headers=officer)
    assert_problem(response, 404, "not_found")
    referral = await anonymous.get(f"/api/v1/referrals/{sent['id']}", headers=officer)
    assert referral.status_code == 200, referral.text
    assert referral.json()["status"] == "requested"


async def test_a_consent_to_some_kinds_of_data_does_not_open_the_whole_record(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent, _ = await _sent_with_consent(app, anonymous, ["identity_contact", "needs_circumstances"])
    officer = await bearer(anonymous, "department_officer")
    response = await anonymous.get(f"{HOUSEHOLDS}/{sent['household_id']}", headers=officer)
    assert_problem(response, 404, "not_found")


async def test_withdrawing_the_consent_closes_the_household(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    sent, given = await _sent_with_consent(app, anonymous, sorted(FULL_SCOPE))
    officer = await bearer(anonymous, "department_officer")
    url = f"{HOUSEHOLDS}/{sent['household_id']}"
    assert (await anonymous.get(url, headers=officer)).status_code == 200
    withdrawn = await anonymous.post(
        f"/api/v1/consents/{given['id']}/withdraw",
        json={"reason": "户主撤回同意"},
        headers={
            **await bearer(anonymous, "street_officer"),
            "If-Match": f'W/"{given["version"]}"',
        },
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert_problem(await anonymous.get(url, headers=officer), 404, "not_found")


async def test_a_consent_opens_the_household_up_to_its_end_day_and_not_after(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    """An organisation's reach is of the real day (`Reach.on`): one consent ends today, the
    other ended yesterday."""
    today = business_today()
    officer = await bearer(anonymous, "department_officer")
    found = []
    for until in (today, today - timedelta(days=1)):
        household = await create_household(
            app,
            needs=["medical"],
            members=[{"name": "张秀英", "relation_to_head": "self", "joined_on": "2020-01-01"}],
        )
        await consent(
            app,
            anonymous,
            household,
            sorted(FULL_SCOPE),
            given_on=(today - timedelta(days=7)).isoformat(),
            valid_until=until.isoformat(),
        )
        await refer_need(app, anonymous, await need_of(app, household.id))
        found.append(await anonymous.get(f"{HOUSEHOLDS}/{household.id}", headers=officer))
    ending_today, ended = found
    assert ending_today.status_code == 200, ending_today.text
    assert ending_today.json()["members"][0]["name"] == "张秀英"
    assert_problem(ended, 404, "not_found")


def test_full_scope_is_every_code_of_the_consent_scope_table() -> None:
    [table] = [t for t in CATALOG if t.name == "consent_scope"]
    assert {code.code for code in table.codes} == FULL_SCOPE
