"""The demo's home visits, deadlines and inbox items (README "Demo data"), seeded once."""

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.households import seed as seed_demo_households
from app.demo.intake_visits import seed as seed_intake_visits
from app.intake.models import Deadline, HomeVisit
from tests.api.households.ledger_http import bearer, fetch
from tests.factories import create_demo_district


async def test_the_demo_shows_visits_met_and_missed_deadlines_and_inboxes(
    app: FastAPI, session: AsyncSession, anonymous: httpx.AsyncClient
) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")

    said = await seed_intake_visits(app.state.services, "")

    assert said == "2 new home visits"
    visits = await fetch(app, select(HomeVisit.status).order_by(HomeVisit.id))
    assert [v[0] for v in visits] == ["completed", "scheduled"]
    deadlines = await fetch(app, select(Deadline.kind, Deadline.status).order_by(Deadline.id))
    assert [tuple(d) for d in deadlines] == [
        ("visit_after_hardship", "met"),
        ("ledger_after_hardship", "missed"),
        ("visit_after_hardship", "open"),
    ]
    expected = {
        "social_worker": {"home_visit.assigned", "deadline.approaching"},
        "street_officer": {"home_visit.recorded", "deadline.missed"},
        "community_worker": {"home_visit.assigned"},
    }
    for username, events in expected.items():
        headers = await bearer(anonymous, username)
        inbox = await anonymous.get("/api/v1/inbox", headers=headers)
        assert inbox.status_code == 200, inbox.text
        assert {item["event"] for item in inbox.json()["items"]} == events, username
    officer = await bearer(anonymous, "street_officer")
    worklist = await anonymous.get("/api/v1/worklists/deadlines", headers=officer)
    assert [i["kind"] for i in worklist.json()["items"]] == ["ledger_after_hardship"]

    assert await seed_intake_visits(app.state.services, "") == "0 new home visits"
    assert len(await fetch(app, select(HomeVisit.id))) == 2
