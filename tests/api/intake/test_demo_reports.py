"""The demo discovery reports (DOMAIN 6): a likely duplicate awaiting triage, a linked one,
a dismissed one and the demo grid worker's, seeded once."""

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.households import seed as seed_demo_households
from app.demo.intake_reports import seed as seed_demo_reports
from tests.api.households.ledger_http import bearer
from tests.api.intake.reports_http import REPORTS, deadlines
from tests.factories import create_demo_district


async def test_the_demo_reports_show_each_outcome_and_the_duplicate(
    app: FastAPI, session: AsyncSession, anonymous: httpx.AsyncClient
) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    assert await seed_demo_reports(app.state.services, "") == "4 new demo discovery reports"
    assert await seed_demo_reports(app.state.services, "") == "0 new demo discovery reports"

    officer = await bearer(anonymous, "street_officer")
    items = (await anonymous.get(REPORTS, headers=officer)).json()["items"]
    duplicate, linked, dismissed, by_grid = items
    assert (duplicate["status"], duplicate["channel"]) == ("submitted", "community")
    assert duplicate["likely_duplicate"] is not None
    assert (linked["status"], linked["channel"]) == ("linked", "street")
    assert linked["household_id"] == linked["likely_duplicate"]["household_id"]
    found = await deadlines(app, linked["id"])
    assert found["ledger_after_hardship"].status == "met"
    assert found["visit_after_hardship"].done_on is None
    assert (dismissed["status"], dismissed["dismissal_reason"]) == ("dismissed", "not_in_hardship")
    assert (by_grid["status"], by_grid["channel"]) == ("submitted", "grid_worker")
    assert sorted(await deadlines(app, by_grid["id"])) == [
        "ledger_after_hardship",
        "visit_after_hardship",
    ]

    grid = await bearer(anonymous, "grid_worker")
    own = (await anonymous.get(REPORTS, headers=grid)).json()["items"]
    assert [r["id"] for r in own] == [by_grid["id"]]
    assert own[0]["subject_name"] == "刘**"
