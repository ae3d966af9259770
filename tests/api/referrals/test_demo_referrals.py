"""The demo routing table, and what it gives the demo department officer to act on once the
demo applications are accepted (README's demo users)."""

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.households import seed as seed_demo_households
from app.demo.intake_applications import seed as seed_demo_applications
from app.demo.referrals import DEMO_ROUTES
from app.demo.referrals import seed as seed_demo_referrals
from app.referrals.models import ReferralDefault, ReferralRoute
from tests.api.households.ledger_http import bearer, fetch
from tests.api.referrals.referrals_http import RED_CROSS, REFERRALS, act
from tests.factories import create_demo_district
from tests.problems import assert_problem


async def test_the_demo_department_officer_has_referrals_to_act_on(
    app: FastAPI, session: AsyncSession, anonymous: httpx.AsyncClient
) -> None:
    await create_demo_district(session)
    said = await seed_demo_referrals(app.state.services, "")
    assert said == f"{len(DEMO_ROUTES)} referral routes, 10 default receivers"
    assert await seed_demo_referrals(app.state.services, "") == said
    [(routes,)] = await fetch(app, select(func.count()).select_from(ReferralRoute))
    [(defaults,)] = await fetch(app, select(func.count()).select_from(ReferralDefault))
    assert (routes, defaults) == (len(DEMO_ROUTES), 10)
    await seed_demo_households(app.state.services, "")
    await seed_demo_applications(app.state.services, "")
    officer = await bearer(anonymous, "department_officer")
    listed = (await anonymous.get(REFERRALS, headers=officer)).json()["items"]
    assert listed, "the Red Cross receives the accepted applications' medical needs"
    assert {(r["need_code"], r["status"], r["receiver_organization_name"]) for r in listed} == {
        ("medical", "requested", RED_CROSS)
    }
    shown = (await anonymous.get(f"{REFERRALS}/{listed[0]['id']}", headers=officer)).json()
    assert shown["allowed"] == ["receive"]
    received = await act(anonymous, shown, "receive")
    assert received.status_code == 200, received.text
    # The Red Cross is not a government department: without the household's consent to share
    # every kind of data with it, it works from the referral alone (PIPL art. 23).
    household = await anonymous.get(f"/api/v1/households/{shown['household_id']}", headers=officer)
    assert_problem(household, 404, "not_found")
