"""The push on acceptance (推送, Yubei 3(5)): accepting an application refers each of its
needs to the default organisation of every kind the routing table names, once; the
application's one-place view shows them and the needs left unrouted."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.households.models import HouseholdNeed
from app.households.public import visible
from app.referrals.models import Referral
from app.referrals.public import push_application_needs
from tests.api.households.ledger_http import bearer, fetch, organization_id
from tests.api.referrals.referrals_http import (
    MEDICAL_SECURITY,
    RED_CROSS,
    REFERRALS,
    default,
    route,
)
from tests.factories import (
    STREET_A,
    create_demo_district,
    create_household,
    create_organization,
    ledger_actor,
)

APPLICATIONS = "/api/v1/applications"
FRIDAY = "2026-11-27"
STREET_MEDICAL_SECURITY = "双龙湖街道医保工作站"


@pytest.fixture(autouse=True)
async def routed(app: FastAPI, session: AsyncSession, anonymous: httpx.AsyncClient) -> None:
    """Medical needs go to medical security (1 working day) and the Red Cross (5); care to a
    social-work agency, for which no default is set. Medical security has a district-wide
    default and, for street A, its own."""
    await create_demo_district(session)
    await route(anonymous, "medical", "medical_security", 1)
    await route(anonymous, "medical", "red_cross", 5)
    await route(anonymous, "care", "social_work_agency", 5)
    await default(app, anonymous, "red_cross", "500112", RED_CROSS)
    await default(app, anonymous, "medical_security", "500112", MEDICAL_SECURITY)
    await create_organization(
        session, kind="medical_security", region_code=STREET_A, name=STREET_MEDICAL_SECURITY
    )
    await default(app, anonymous, "medical_security", STREET_A, STREET_MEDICAL_SECURITY)


async def _accepted(app: FastAPI, http: httpx.AsyncClient, household: Any = None) -> dict[str, Any]:
    """An application for medical care and care, filed and accepted on a Friday (of a new
    household unless given)."""
    household = household or await create_household(app)
    filed = await http.post(
        APPLICATIONS,
        json={
            "household_id": str(household.id),
            "mode": "self",
            "needs": ["medical", "care"],
            "applied_on": FRIDAY,
        },
        headers=await bearer(http, "community_worker"),
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["referrals"] == []
    assert filed.json()["unrouted_needs"] == []
    accepted = await http.post(
        f"{APPLICATIONS}/{filed.json()['id']}/accept",
        json={"effective_on": FRIDAY},
        headers={**await bearer(http, "street_officer"), "If-Match": 'W/"1"'},
    )
    assert accepted.status_code == 200, accepted.text
    body: dict[str, Any] = accepted.json()
    return body


async def test_acceptance_pushes_each_need_to_the_most_specific_default(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    application = await _accepted(app, anonymous)
    shown = {r["receiver_organization_name"]: r for r in application["referrals"]}
    assert set(shown) == {RED_CROSS, STREET_MEDICAL_SECURITY}
    assert {r["need_code"] for r in shown.values()} == {"medical"}
    assert {r["status"] for r in shown.values()} == {"requested"}
    # Sent on the Friday of acceptance: 1 working day is the Monday after the weekend.
    assert shown[STREET_MEDICAL_SECURITY]["due_on"] == "2026-11-30"
    assert shown[STREET_MEDICAL_SECURITY]["overdue"] is True
    assert shown[RED_CROSS]["due_on"] == "2026-12-04"
    assert application["unrouted_needs"] == ["care"]
    referral = await anonymous.get(
        f"{REFERRALS}/{shown[RED_CROSS]['id']}", headers=await bearer(anonymous, "street_officer")
    )
    assert referral.json()["source"] == "application"
    assert referral.json()["application_id"] == application["id"]
    assert referral.json()["sent_on"] == FRIDAY
    assert referral.json()["sent_by"]["display_name"] == "双龙湖街道干部"
    again = await anonymous.get(
        f"{APPLICATIONS}/{application['id']}", headers=await bearer(anonymous, "community_worker")
    )
    assert [r["id"] for r in again.json()["referrals"]] == [
        r["id"] for r in application["referrals"]
    ]


async def test_the_push_is_idempotent(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    application = await _accepted(app, anonymous)
    actor = await ledger_actor(app, "street_officer")
    async with app.state.services.database.sessionmaker() as session, session.begin():
        household = await visible(session, actor, uuid.UUID(application["household_id"]))
        pushed = await push_application_needs(
            session, actor, household, uuid.UUID(application["id"]), actor.today
        )
    assert pushed == 0
    [(count,)] = await fetch(app, select(func.count()).select_from(Referral))
    assert count == 2


async def test_a_receiver_sees_the_pushed_referral(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    application = await _accepted(app, anonymous)
    listed = await anonymous.get(REFERRALS, headers=await bearer(anonymous, "department_officer"))
    assert [r["application_id"] for r in listed.json()["items"]] == [application["id"]]
    assert listed.json()["items"][0]["receiver_organization_id"] == str(
        await organization_id(app, RED_CROSS)
    )


async def _sent_by_hand(app: FastAPI, http: httpx.AsyncClient) -> tuple[Any, dict[str, Any]]:
    """A household with a medical need noted on its record, and that need referred to the
    Red Cross by hand."""
    household = await create_household(app, needs=["medical"])
    [(need,)] = await fetch(
        app, select(HouseholdNeed.id).where(HouseholdNeed.household_id == household.id)
    )
    sent = await http.post(
        REFERRALS,
        json={
            "need_id": str(need),
            "receiver_organization_id": str(await organization_id(app, RED_CROSS)),
        },
        headers=await bearer(http, "street_officer"),
    )
    assert sent.status_code == 201, sent.text
    body: dict[str, Any] = sent.json()
    return household, body


async def test_an_open_referral_sent_by_hand_gets_no_pushed_twin(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    household, sent = await _sent_by_hand(app, anonymous)
    application = await _accepted(app, anonymous, household)
    # The Red Cross has the household's medical need open already: only medical security.
    assert [r["receiver_organization_name"] for r in application["referrals"]] == [
        STREET_MEDICAL_SECURITY
    ]
    rows = await fetch(
        app,
        select(Referral.id, Referral.source).where(
            Referral.household_id == household.id,
            Referral.receiver_organization_id == await organization_id(app, RED_CROSS),
        ),
    )
    assert rows == [(uuid.UUID(sent["id"]), "manual")]


async def test_a_closed_referral_by_hand_does_not_hold_the_push_back(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    household, sent = await _sent_by_hand(app, anonymous)
    cancelled = await anonymous.post(
        f"{REFERRALS}/{sent['id']}/cancel",
        json={},
        headers={**await bearer(anonymous, "street_officer"), "If-Match": 'W/"1"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    application = await _accepted(app, anonymous, household)
    assert {r["receiver_organization_name"] for r in application["referrals"]} == {
        RED_CROSS,
        STREET_MEDICAL_SECURITY,
    }
