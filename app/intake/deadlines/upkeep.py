"""Deadline upkeep (DOMAIN 6; Yubei 3(5); Beijing 2): the worker marks missed deadlines,
reminds of approaching ones, and counts due days again when the calendar changes.

Every step is idempotent: a deadline is missed once (`status` leaves `open`), reminded
once (`reminded_at`), and recounting a due day that has not moved changes nothing, so a
run repeated, or a job delivered twice, adds nothing.
"""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update

from app.core.clock import business_today
from app.core.db import WriteSession, utcnow
from app.core.jobs import JobContext, JobKind
from app.core.services import Services
from app.intake.deadlines.rules import DeadlineStatus, Kind, due
from app.intake.inbox.service import notify
from app.intake.models import Deadline
from app.workdays.public import add_working_days, calendar_between

BATCH = 1000
"""Deadlines handled per run of an upkeep task; the next run takes the rest."""
MISSED = "deadline.missed"
APPROACHING = "deadline.approaching"
RESCHEDULED = "deadline.rescheduled"
RECOUNT = JobKind("intake.recount_deadlines")
"""Subscribed to `calendar.changed`: due days of open deadlines counted again."""
_SLACK_DAYS = 120
"""How far past the latest due day the calendar is read when counting again: more than any
run of consecutive days off."""


def _payload(row: Any, status: str) -> dict[str, Any]:
    return {
        "deadline_id": str(row.id),
        "kind": row.kind,
        "status": status,
        "due_on": row.due_on.isoformat(),
        "region_code": row.region_code,
        "household_id": str(row.household_id) if row.household_id else None,
    }


def _columns() -> tuple[Any, ...]:
    return (
        Deadline.id,
        Deadline.kind,
        Deadline.due_on,
        Deadline.region_code,
        Deadline.household_id,
        Deadline.responsible_user_id,
    )


async def mark_missed(session: WriteSession, today: date) -> int:
    """Open deadlines whose due day is before `today` become `missed` (one statement), and
    each is announced: `deadline.missed` to its responsible user's inbox (none: the event
    alone). Returns how many were missed."""
    rows = (
        await session.execute(
            select(*_columns())
            .where(Deadline.status == DeadlineStatus.open.value, Deadline.due_on < today)
            .order_by(Deadline.due_on, Deadline.id)
            .limit(BATCH)
        )
    ).all()
    if not rows:
        return 0
    # Only the rows this statement changed are announced: a concurrent worker's run
    # announces its own, never the same twice.
    changed = (
        await session.execute(
            update(Deadline)
            .where(
                Deadline.id.in_([row.id for row in rows]),
                Deadline.status == DeadlineStatus.open.value,
            )
            .values(status=DeadlineStatus.missed.value, missed_at=utcnow())
            .returning(*_columns())
            .execution_options(synchronize_session=False)
        )
    ).all()
    for row in sorted(changed, key=lambda r: (r.due_on, r.id)):
        notify(
            session,
            MISSED,
            _payload(row, DeadlineStatus.missed.value),
            recipients=[row.responsible_user_id],
            subject_type="deadline",
            subject_id=row.id,
            household_id=row.household_id,
        )
    return len(changed)


async def remind(session: WriteSession, today: date) -> int:
    """Open deadlines due today or on the next working day, not reminded yet, get one
    `deadline.approaching` (`reminded_at` set). Returns how many were reminded."""
    horizon = (await add_working_days(session, today, 1)).day
    rows = (
        await session.execute(
            select(*_columns())
            .where(
                Deadline.status == DeadlineStatus.open.value,
                Deadline.due_on >= today,
                Deadline.due_on <= horizon,
                Deadline.reminded_at.is_(None),
            )
            .order_by(Deadline.due_on, Deadline.id)
            .limit(BATCH)
        )
    ).all()
    if not rows:
        return 0
    changed = (
        await session.execute(
            update(Deadline)
            .where(Deadline.id.in_([row.id for row in rows]), Deadline.reminded_at.is_(None))
            .values(reminded_at=utcnow())
            .returning(*_columns())
            .execution_options(synchronize_session=False)
        )
    ).all()
    for row in sorted(changed, key=lambda r: (r.due_on, r.id)):
        notify(
            session,
            APPROACHING,
            _payload(row, DeadlineStatus.open.value),
            recipients=[row.responsible_user_id],
            subject_type="deadline",
            subject_id=row.id,
            household_id=row.household_id,
        )
    return len(changed)


async def recount(session: WriteSession, today: date, first: date, last: date) -> int:
    """Count again the due days of open deadlines that a calendar change between `first` and
    `last` may move: triggered before `last`, due on `first` or later, and due today or
    later (a due day already past is never moved). A due day the new calendar puts before
    today becomes today: a calendar correction never makes a deadline missed after the
    fact. Returns how many due days moved (`deadline.rescheduled` each; a moved deadline
    may be reminded again)."""
    found = list(
        await session.scalars(
            select(Deadline)
            .where(
                Deadline.status == DeadlineStatus.open.value,
                Deadline.due_on >= max(today, first),
                Deadline.triggered_on < last,
            )
            .order_by(Deadline.due_on, Deadline.id)
        )
    )
    if not found:
        return 0
    start = min(d.triggered_on for d in found)
    end = max(d.due_on for d in found) + timedelta(days=_SLACK_DAYS)
    calendar = await calendar_between(session, start, end)
    moved = 0
    for deadline in found:
        counted = due(calendar, Kind(deadline.kind), deadline.triggered_on)
        day = max(counted.day, today)
        if (day, counted.provisional) == (deadline.due_on, deadline.provisional):
            continue
        if day != deadline.due_on:
            deadline.reminded_at = None
            moved += 1
        deadline.due_on, deadline.provisional = day, counted.provisional
        notify(
            session,
            RESCHEDULED,
            _payload(deadline, deadline.status),
            recipients=[deadline.responsible_user_id],
            subject_type="deadline",
            subject_id=deadline.id,
            household_id=deadline.household_id,
        )
    return moved


def changed_span(payload: dict[str, Any]) -> tuple[date, date] | None:
    """The first and last day a `calendar.changed` event's payload touches."""
    days = [date.fromisoformat(d) for d in payload.get("days", [])]
    for year in payload.get("years", []):
        days += [date(int(year), 1, 1), date(int(year), 12, 31)]
    return (min(days), max(days)) if days else None


async def miss_deadlines(session: WriteSession, _services: Services) -> int:
    return await mark_missed(session, business_today())


async def remind_deadlines(session: WriteSession, _services: Services) -> int:
    return await remind(session, business_today())


async def recount_on_calendar_change(context: JobContext) -> None:
    """Handler of `intake.recount_deadlines`: the job's payload is the event's."""
    span = changed_span(context.job.payload.get("payload", {}))
    if span is not None:
        await recount(context.session, business_today(), *span)
