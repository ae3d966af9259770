"""Seeding deadlines for the worklist, upkeep, home-visit and inbox tests: through the
intake service in the app's own database session (the events that open them - applications,
discovery reports - are built elsewhere), and running the worker as the app does."""

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from app.core.clock import business_today
from app.domains import build_worker
from app.intake.deadlines.rules import Kind, due
from app.intake.deadlines.service import open_deadline
from app.intake.models import Deadline
from app.workdays.public import calendar_between


async def seed_deadline(
    app: FastAPI,
    kind: Kind,
    triggered_on: date,
    *,
    region_code: str,
    household_id: uuid.UUID | None = None,
    responsible_user_id: uuid.UUID | None = None,
) -> Deadline:
    async with app.state.services.database.sessionmaker() as session, session.begin():
        deadline = await open_deadline(
            session,
            kind,
            triggered_on,
            region_code=region_code,
            household_id=household_id,
            responsible_user_id=responsible_user_id,
        )
    return deadline


async def trigger_due_on(app: FastAPI, kind: Kind, due_on: date) -> date:
    """A trigger day whose deadline of `kind` falls due on `due_on` (a working day)."""
    async with app.state.services.database.sessionmaker() as session:
        start = due_on - timedelta(days=40)
        calendar = await calendar_between(session, start, due_on + timedelta(days=40))
    for back in range(1, 40):
        triggered_on = due_on - timedelta(days=back)
        if due(calendar, kind, triggered_on).day == due_on:
            return triggered_on
    raise AssertionError(f"no trigger day for {kind} due on {due_on}")


async def deadline(app: FastAPI, deadline_id: uuid.UUID) -> Deadline:
    async with app.state.services.database.sessionmaker() as session:
        found = await session.scalar(select(Deadline).where(Deadline.id == deadline_id))
    assert found is not None
    return found


async def run_worker(app: FastAPI) -> None:
    """One round of the worker: its upkeep (events dispatched, deadlines missed and reminded),
    then the jobs that are due."""
    worker = build_worker(app.state.services)
    await worker.run_upkeep(force=True)
    await worker.run_once()


def today() -> date:
    return business_today()


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]
