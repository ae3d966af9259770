"""Deadlines opened by the events that start them and met by the events that end them
(DOMAIN 6; Yubei 3(5); Beijing 2). Called by applications, discovery reports and home
visits in their own transaction; the due day is counted on the working-day calendar
(`workdays.public`) from the day the triggering event happened."""

import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from app.core import events
from app.core.db import WriteSession, new_id
from app.intake.deadlines.rules import WORKING_DAYS, DeadlineStatus, Kind, due, status_on
from app.intake.models import Deadline
from app.workdays.public import working_calendar


async def open_deadlines(
    session: WriteSession,
    kinds: Sequence[Kind],
    triggered_on: date,
    *,
    region_code: str,
    household_id: uuid.UUID | None = None,
    application_id: uuid.UUID | None = None,
    discovery_report_id: uuid.UUID | None = None,
    responsible_user_id: uuid.UUID | None = None,
) -> list[Deadline]:
    """Open the deadlines of `kinds` that one event starts, each counted from `triggered_on`
    on one working-day calendar (read once, for the longest of them); publishes
    `deadline.opened` for each, in the order of `kinds`. The rows are written with the
    transaction's next flush (their ids are known at once)."""
    if not kinds:
        return []
    calendar = await working_calendar(
        session, triggered_on, max(WORKING_DAYS[kind] for kind in kinds)
    )
    opened = []
    for kind in kinds:
        found = due(calendar, kind, triggered_on)
        deadline = Deadline(
            id=new_id(),
            kind=kind.value,
            status=DeadlineStatus.open.value,
            region_code=region_code,
            district_code=region_code[:6],
            household_id=household_id,
            application_id=application_id,
            discovery_report_id=discovery_report_id,
            triggered_on=triggered_on,
            working_days=WORKING_DAYS[kind],
            due_on=found.day,
            provisional=found.provisional,
            responsible_user_id=responsible_user_id,
        )
        session.add(deadline)
        events.publish(session, "deadline.opened", _payload(deadline))
        opened.append(deadline)
    return opened


async def open_deadline(
    session: WriteSession,
    kind: Kind,
    triggered_on: date,
    *,
    region_code: str,
    household_id: uuid.UUID | None = None,
    application_id: uuid.UUID | None = None,
    discovery_report_id: uuid.UUID | None = None,
    responsible_user_id: uuid.UUID | None = None,
) -> Deadline:
    """Open one deadline of `kind` counted from `triggered_on` (`open_deadlines` of one)."""
    (deadline,) = await open_deadlines(
        session,
        [kind],
        triggered_on,
        region_code=region_code,
        household_id=household_id,
        application_id=application_id,
        discovery_report_id=discovery_report_id,
        responsible_user_id=responsible_user_id,
    )
    return deadline


async def meet(
    session: WriteSession,
    kinds: Collection[Kind],
    done_on: date,
    *,
    household_id: uuid.UUID | None = None,
    application_id: uuid.UUID | None = None,
    discovery_report_id: uuid.UUID | None = None,
    visit_id: uuid.UUID | None = None,
) -> list[Deadline]:
    """Mark done, on `done_on`, the undone deadlines of `kinds` of the household, the
    application or the report (whichever are given): met when done by the due day, else
    missed (done late). Publishes `deadline.met` for each met one."""
    subjects = [
        column == value
        for column, value in (
            (Deadline.household_id, household_id),
            (Deadline.application_id, application_id),
            (Deadline.discovery_report_id, discovery_report_id),
        )
        if value is not None
    ]
    if not subjects:
        return []

    found = list(
        await session.scalars(
            select(Deadline).where(
                Deadline.done_on.is_(None),
                Deadline.kind.in_([k.value for k in kinds]),
                or_(*subjects),
            )
        )
    )
    mark_done(session, found, done_on, visit_id=visit_id)
    return found


def mark_done(
    session: WriteSession,
    deadlines: Iterable[Deadline],
    done_on: date,
    *,
    visit_id: uuid.UUID | None = None,
) -> None:
    """Mark undone deadlines done on `done_on`: met when done by the due day, else missed
    (done late). Publishes `deadline.met` for each met one. For deadlines the caller holds
    (one it has just opened); `meet` finds them first."""
    for deadline in deadlines:
        deadline.done_on = done_on
        deadline.done_by_visit_id = visit_id
        deadline.status = status_on(deadline.due_on, done_on, done_on).value
        if deadline.status == DeadlineStatus.met.value:
            events.publish(session, "deadline.met", _payload(deadline))


def _payload(deadline: Deadline) -> dict[str, Any]:
    return {
        "deadline_id": str(deadline.id),
        "kind": deadline.kind,
        "due_on": deadline.due_on.isoformat(),
        "region_code": deadline.region_code,
        "household_id": str(deadline.household_id) if deadline.household_id else None,
    }
