"""The demo consents: in 双龙湖社区, one to the Red Cross in force for a year from the day
given and one to the charity federation withdrawn today; seeded once."""

from datetime import date, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.consents.models import HouseholdConsent
from app.demo.consents import VALID_DAYS, seed
from app.demo.households import seed as seed_demo_households
from tests.api.households.ledger_http import bearer, fetch
from tests.factories import create_demo_district


async def test_one_consent_in_force_and_one_withdrawn(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")

    assert await seed(app.state.services, "") == "2 new consents (1 withdrawn)"
    assert await seed(app.state.services, "") == "0 new consents"

    rows = await fetch(app, select(HouseholdConsent.id).order_by(HouseholdConsent.id))
    headers = await bearer(anonymous, "community_worker")
    shown = [
        (await anonymous.get(f"/api/v1/consents/{row[0]}", headers=headers)).json() for row in rows
    ]
    assert [(c["organization_name"], c["in_force"]) for c in shown] == [
        ("渝北区红十字会", True),
        ("渝北区慈善会", False),
    ]
    given_on = date.fromisoformat(shown[0]["given_on"])
    assert [c["valid_until"] for c in shown] == [
        (given_on + timedelta(days=VALID_DAYS)).isoformat(),
        None,
    ]
    assert shown[1]["withdrawal_reason"]
