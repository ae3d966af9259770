"""Leaving and re-entering the ledger (Beijing 5, dynamic management): history stays."""

import uuid
from collections.abc import Mapping
from datetime import date

from app.core.auth import Actor
from app.core.db import WriteSession
from app.core.errors import ValidationFailed
from app.dictionaries.public import unknown_codes
from app.households import access, changes, history
from app.households.changes import Change
from app.households.errors import InvalidTransition
from app.households.events import Event
from app.households.models import Household

ALLOWED = {"active": ["exit"], "exited": ["reenter"]}
_EXIT_FIELDS = ("status", "exit_reason", "exit_note", "exited_on")


async def exit_ledger(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    *,
    reason: str,
    note: str | None,
    exited_on: date | None,
) -> Household:
    """A household leaves the ledger with a reason (退出); its members and history stay."""
    household = await access.writable(session, actor, household_id)
    if household.status != "active":
        raise InvalidTransition(household.status, ALLOWED[household.status])
    if await unknown_codes(session, "exit_reason", [reason]):
        raise ValidationFailed.at(
            ["body", "reason"], f"not a code of exit_reason: {reason!r}", "unknown_code"
        )
    day = exited_on or actor.today
    if day > actor.today:
        raise ValidationFailed.at(
            ["body", "exited_on"], "may not be in the future", "date_in_future"
        )
    before = {name: getattr(household, name) for name in _EXIT_FIELDS}
    household.status = "exited"
    household.exit_reason = reason
    household.exit_note = note
    household.exited_on = day
    await _record(session, actor, household, "household.exit", Event.exited, before)
    return household


async def reenter(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, *, note: str | None
) -> Household:
    """An exited household comes back into the ledger (Beijing 5); the exit stays in the history."""
    household = await access.writable(session, actor, household_id)
    if household.status != "exited":
        raise InvalidTransition(household.status, ALLOWED[household.status])
    before = {name: getattr(household, name) for name in _EXIT_FIELDS}
    household.status = "active"
    household.exit_reason = None
    household.exit_note = None
    household.exited_on = None
    await _record(session, actor, household, "household.reenter", Event.reentered, before, note)
    return household


async def _record(
    session: WriteSession,
    actor: Actor,
    household: Household,
    action: str,
    event: Event,
    before: Mapping[str, object],
    note: str | None = None,
) -> None:
    diff = history.diff(before, {name: getattr(household, name) for name in before})
    if note is not None:
        diff["note"] = {"before": None, "after": note}
    await changes.record(
        session, actor, household, Change(action, event, diff, audit_fields=sorted(before))
    )
