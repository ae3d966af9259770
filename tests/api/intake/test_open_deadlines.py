"""The deadlines one event opens share one working-day calendar (DOMAIN 6; Yubei 3(5)):
`open_deadlines` reads the calendar once, for the longest of them, and counts every due
day on it, as `open_deadline` would one at a time."""

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.events import DomainEvent
from app.intake.deadlines.rules import DeadlineStatus, Kind
from app.intake.deadlines.service import mark_done, open_deadline, open_deadlines
from app.intake.models import Deadline
from tests.factories import GRID_A1_1, create_demo_district, set_calendar_day

HARDSHIP = [Kind.visit_after_hardship, Kind.ledger_after_hardship]


def _monday(year: int) -> date:
    """The first Monday of March of a year no calendar package knows (Monday to Friday)."""
    day = date(year, 3, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _open(app: FastAPI, kinds: list[Kind], triggered_on: date) -> list[Deadline]:
    async with app.state.services.database.sessionmaker() as session, session.begin():
        return await open_deadlines(session, kinds, triggered_on, region_code=GRID_A1_1)


async def _opened_events(app: FastAPI) -> list[dict[str, Any]]:
    async with app.state.services.database.sessionmaker() as session:
        rows = await session.scalars(
            select(DomainEvent).where(DomainEvent.name == "deadline.opened")
        )
        return [row.payload for row in rows]


class TestOpenDeadlines:
    async def test_both_hardship_deadlines_counted_on_one_calendar(self, app: FastAPI) -> None:
        monday = _monday(2041)
        visit, ledger = await _open(app, HARDSHIP, monday)

        assert (visit.kind, visit.due_on, visit.working_days) == (
            "visit_after_hardship",
            monday + timedelta(days=1),
            1,
        )
        assert (ledger.kind, ledger.due_on, ledger.working_days) == (
            "ledger_after_hardship",
            monday + timedelta(days=2),
            2,
        )
        # A year without a published calendar: Monday to Friday, marked provisional.
        assert visit.provisional
        assert ledger.provisional
        assert {visit.status, ledger.status} == {DeadlineStatus.open.value}
        async with app.state.services.database.sessionmaker() as session:
            stored = list(
                await session.scalars(
                    select(Deadline).where(Deadline.triggered_on == monday).order_by(Deadline.id)
                )
            )
        assert [(d.id, d.due_on) for d in stored] == [
            (visit.id, visit.due_on),
            (ledger.id, ledger.due_on),
        ]
        opened = await _opened_events(app)
        assert [(p["deadline_id"], p["kind"], p["due_on"]) for p in opened] == [
            (str(visit.id), "visit_after_hardship", visit.due_on.isoformat()),
            (str(ledger.id), "ledger_after_hardship", ledger.due_on.isoformat()),
        ]

    async def test_an_override_day_moves_both_due_days(
        self, app: FastAPI, session: AsyncSession
    ) -> None:
        monday = _monday(2042)
        await set_calendar_day(
            session, (monday + timedelta(days=1)).isoformat(), is_working_day=False, name="临时"
        )

        visit, ledger = await _open(app, HARDSHIP, monday)

        assert visit.due_on == monday + timedelta(days=2)
        assert ledger.due_on == monday + timedelta(days=3)

    async def test_the_calendar_is_read_once_for_all_kinds(self, app: FastAPI) -> None:
        engine = app.state.services.database.engine.sync_engine
        sent: list[str] = []

        def listen(*args: Any) -> None:
            sent.append(args[2])

        event.listen(engine, "before_cursor_execute", listen)
        try:
            await _open(app, HARDSHIP, _monday(2043))
        finally:
            event.remove(engine, "before_cursor_execute", listen)

        assert len([s for s in sent if "FROM calendar_days" in s]) == 1
        assert len([s for s in sent if "FROM calendar_years" in s]) == 1

    async def test_same_due_days_as_one_at_a_time(
        self, app: FastAPI, session: AsyncSession
    ) -> None:
        start = _monday(2044)
        await set_calendar_day(
            session, (start + timedelta(days=3)).isoformat(), is_working_day=False
        )
        await set_calendar_day(
            session, (start + timedelta(days=5)).isoformat(), is_working_day=True
        )
        kinds = [Kind.ledger_after_screening, Kind.visit_after_hardship, Kind.ledger_after_hardship]
        for offset in range(9):
            day = start + timedelta(days=offset)
            together = await _open(app, kinds, day)
            async with app.state.services.database.sessionmaker() as alone, alone.begin():
                each = [
                    await open_deadline(alone, kind, day, region_code=GRID_A1_1) for kind in kinds
                ]
            assert [(d.kind, d.due_on, d.provisional) for d in together] == [
                (d.kind, d.due_on, d.provisional) for d in each
            ]

    async def test_no_kinds_open_nothing_and_read_nothing(self, app: FastAPI) -> None:
        assert await _open(app, [], _monday(2045)) == []

    async def test_a_deadline_just_opened_is_met_in_memory(self, app: FastAPI) -> None:
        monday = _monday(2046)
        async with app.state.services.database.sessionmaker() as session, session.begin():
            _visit, ledger = await open_deadlines(session, HARDSHIP, monday, region_code=GRID_A1_1)
            mark_done(session, [ledger], monday)
        async with app.state.services.database.sessionmaker() as session:
            stored = {
                d.kind: d
                for d in await session.scalars(
                    select(Deadline).where(Deadline.triggered_on == monday)
                )
            }
            met = list(
                await session.scalars(select(DomainEvent).where(DomainEvent.name == "deadline.met"))
            )
        assert (
            stored["ledger_after_hardship"].status,
            stored["ledger_after_hardship"].done_on,
        ) == (
            DeadlineStatus.met.value,
            monday,
        )
        assert (stored["visit_after_hardship"].status, stored["visit_after_hardship"].done_on) == (
            DeadlineStatus.open.value,
            None,
        )
        assert [e.payload["deadline_id"] for e in met] == [str(ledger.id)]
