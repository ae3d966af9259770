"""Deadlines opened by the events that start them and met by the events that end them
(DOMAIN 6; Yubei 3(5); Beijing 2). Called by applications, discovery reports and home
visits in their own transaction; the due day is counted on the working-day calendar
(`workdays.public`) from the day the triggering event happened."""

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from app.core import events
from app.core.db import WriteSession
from app.intake.deadlines.rules import WORKING_DAYS, Kind, Status, status_on
from app.intake.models import Deadline
from app.workdays.public import add_working_days


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
    """Open a deadline of `kind` counted from `triggered_on`; publishes `deadline.opened`."""
    days = WORKING_DAYS[kind]
    due = await add_working_days(session, triggered_on, days)
    deadline = Deadline(
        kind=kind.value,
        status=Status.open.value,
        region_code=region_code,
        district_code=region_code[:6],
        household_id=household_id,
        application_id=application_id,
        discovery_report_id=discovery_report_id,
        triggered_on=triggered_on,
        working_days=days,
        due_on=due.day,
        provisional=due.provisional,
        responsible_user_id=responsible_user_id,
    )
    session.add(deadline)
    await session.flush()
    events.publish(session, "deadline.opened", _payload(deadline))
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
    for deadline in found:
        deadline.done_on = done_on
        deadline.done_by_visit_id = visit_id
        deadline.status = status_on(deadline.due_on, done_on, done_on).value
        if deadline.status == Status.met.value:
            events.publish(session, "deadline.met", _payload(deadline))
    return found


def _payload(deadline: Deadline) -> dict[str, Any]:
    return {
        "deadline_id": str(deadline.id),
        "kind": deadline.kind,
        "due_on": deadline.due_on.isoformat(),
        "region_code": deadline.region_code,
        "household_id": str(deadline.household_id) if deadline.household_id else None,
    }
