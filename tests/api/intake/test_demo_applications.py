"""The demo applications: one in every state of the machine, seeded once (README)."""

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.households import seed as seed_demo_households
from app.demo.intake_applications import seed as seed_demo_applications
from app.households.models import Household
from app.intake.applications.states import ApplicationStatus
from app.intake.models import Application, Deadline
from tests.api.households.ledger_http import fetch
from tests.factories import create_demo_district


async def test_the_demo_has_an_application_in_every_state_once(
    app: FastAPI, session: AsyncSession
) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    said = await seed_demo_applications(app.state.services, "")
    assert said == "9 new demo applications, one in every state"
    rows = await fetch(
        app,
        select(Application.status, Household.status).join(
            Household, Household.id == Application.household_id
        ),
    )
    assert sorted(s for s, _ in rows) == sorted(s.value for s in ApplicationStatus)
    by_state = dict(rows)
    assert by_state["submitted"] == "pending"
    assert by_state["rejected"] == by_state["withdrawn"] == "declined"
    assert by_state["closed"] == by_state["accepted"] == "active"
    kinds = {k for (k,) in await fetch(app, select(Deadline.kind))}
    assert {"visit_after_hardship", "ledger_after_hardship", "visit_after_approval"} <= kinds
    again = await seed_demo_applications(app.state.services, "")
    assert again == "0 new demo applications"
    assert len(await fetch(app, select(Application.id))) == len(ApplicationStatus)
