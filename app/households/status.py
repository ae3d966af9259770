"""Leaving and re-entering the ledger (Beijing 5, dynamic management): history stays."""

import uuid
from collections.abc import Mapping
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.auth import Actor
from app.dictionaries import service as dictionaries
from app.households import history, service
from app.households.errors import InvalidTransition, invalid
from app.households.models import Household

ALLOWED = {"active": ["exit"], "exited": ["reenter"]}


async def exit_ledger(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    *,
    reason: str,
    note: str | None,
    exited_on: date | None,
) -> Household:
    """A household leaves the ledger with a reason (退出); its members and history stay."""
    household = await service.writable(session, actor, household_id)
    if household.status != "active":
        raise InvalidTransition(household.status, ALLOWED[household.status])
    if await dictionaries.unknown_codes(session, "exit_reason", [reason]):
        raise invalid(["body", "reason"], f"not a code of exit_reason: {reason!r}", "unknown_code")
    day = exited_on or actor.today
    if day > actor.today:
        raise invalid(["body", "exited_on"], "may not be in the future", "date_in_future")
    before = {"status": household.status, "exit_reason": None, "exit_note": None, "exited_on": None}
    household.status = "exited"
    household.exit_reason = reason
    household.exit_note = note
    household.exited_on = day
    return await _finish(session, actor, household, "household.exit", before)


async def reenter(
    session: AsyncSession, actor: Actor, household_id: uuid.UUID, *, note: str | None
) -> Household:
    """An exited household comes back into the ledger (Beijing 5); the exit stays in the history."""
    household = await service.writable(session, actor, household_id)
    if household.status != "exited":
        raise InvalidTransition(household.status, ALLOWED[household.status])
    before = {
        "status": household.status,
        "exit_reason": household.exit_reason,
        "exit_note": household.exit_note,
        "exited_on": household.exited_on,
    }
    household.status = "active"
    household.exit_reason = None
    household.exit_note = None
    household.exited_on = None
    return await _finish(session, actor, household, "household.reenter", before, note=note)


async def _finish(
    session: AsyncSession,
    actor: Actor,
    household: Household,
    action: str,
    before: Mapping[str, object],
    *,
    note: str | None = None,
) -> Household:
    after = {name: getattr(household, name) for name in before}
    changes = history.diff(before, after)
    if note is not None:
        changes["note"] = {"before": None, "after": note}
    service.touch(household)
    history.record(session, actor, household, action, changes)
    await audit.record(
        session,
        actor.context,
        action,
        object_type="household",
        object_id=str(household.id),
        region_code=household.region_code,
        changed_fields=sorted(before),
    )
    return household
