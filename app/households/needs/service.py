"""Needs as dated instances (帮扶需求, DOMAIN 4, 6): noted from an application, a home visit,
a discovery report or the record itself, each with its day, author and source, so that a
referral, a plan item and a measure can point to the need they answer. The household's
need codes are derived from its live instances (open or being met) in the same
transaction, so the record, its filters and `household_now` keep reading codes."""

import uuid
from collections.abc import Collection
from datetime import date
from typing import NamedTuple

from sqlalchemy import select

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, new_id, utcnow
from app.core.pagination import PageRequest
from app.households import access
from app.households.models import NEEDS, Household, HouseholdNeed
from app.households.needs import repository
from app.households.needs.repository import LIVE
from app.households.record import repository as records


class Noted(NamedTuple):
    instances: list[HouseholdNeed]
    """The new instances, in code order."""
    codes: list[str]
    """The household's need codes now (its live instances' codes), sorted."""


async def note(
    session: WriteSession,
    actor: Actor,
    household: Household,
    codes: list[str],
    *,
    live: Collection[str],
    source: str,
    source_id: uuid.UUID | None,
    noted_on: date,
    note: str | None = None,
) -> Noted:
    """Note one open need instance per distinct code, in code order, and derive the
    household's need codes again: the codes of its live instances, which are `live` (the
    codes the caller read, after its own withdrawals) and the new open ones, so they are
    not read again. The caller checked the codes against the `need` dictionary and records
    the household's change."""
    noted_by = None if actor.principal.is_client else actor.principal.id
    instances = [
        HouseholdNeed(
            id=new_id(),  # known before the flush that writes it: the caller answers ids
            household_id=household.id,
            region_code=household.region_code,
            district_code=household.district_code,
            code=code,
            status="open",
            noted_on=noted_on,
            noted_by=noted_by,
            source=source,
            source_id=source_id,
            note=note,
        )
        for code in sorted(set(codes))
    ]
    session.add_all(instances)
    derived = sorted(set(live) | set(codes))
    await records.replace_codes(session, household.id, NEEDS, derived)
    return Noted(instances, derived)


async def set_record_codes(
    session: WriteSession, actor: Actor, household: Household, codes: list[str]
) -> None:
    """The record's needs replaced whole (a PATCH of `needs`): each code not yet live gets
    an open instance (source `record`, noted today), each live instance whose code is gone
    is `withdrawn`; the household's codes are derived again. Instances of codes that stay
    are kept, whatever brought them (an application's need stays the application's)."""
    wanted = set(codes)
    live = list(
        await session.scalars(
            select(HouseholdNeed).where(
                HouseholdNeed.household_id == household.id, HouseholdNeed.status.in_(LIVE)
            )
        )
    )
    by = None if actor.principal.is_client else actor.principal.id
    for instance in live:
        if instance.code not in wanted:
            instance.status = "withdrawn"
            instance.status_changed_at = utcnow()
            instance.status_changed_by = by
    have = {instance.code for instance in live}
    await note(
        session,
        actor,
        household,
        sorted(wanted - have),
        live=have & wanted,
        source="record",
        source_id=None,
        noted_on=actor.today,
    )


async def page(
    session: ReadSession,
    actor: Actor,
    household_id: uuid.UUID,
    status: str | None,
    request: PageRequest,
) -> tuple[list[HouseholdNeed], str | None]:
    """The household's need instances, oldest first; the read is audited (Beijing 7)."""
    household = await access.personal(session, actor, household_id)
    access.audit_read(session, actor, "household.needs.read", household)
    return await repository.page(session, household.id, status, request)


WORKED_ON = {"open": ("being_met", "met"), "being_met": ("open", "met")}
"""Where the work of organisations on a live need may move it (`settle`): it is being met
while one works on it, back to open when all of them stopped without meeting it, and met
when their work closed with help given. A need no longer live (met, withdrawn) stays."""


async def settle(
    session: WriteSession, actor: Actor, household: Household, need_id: uuid.UUID, status: str
) -> dict[str, object] | None:
    """Move a need of a locked household to `status` as `WORKED_ON` allows, and derive the
    household's need codes again (a met need is no longer one of them). Returns the change
    for the household's history, or None when the need stays as it is."""
    instance = await session.get(HouseholdNeed, need_id, with_for_update=True)
    if instance is None or instance.household_id != household.id:
        raise LookupError(f"need {need_id} is not of household {household.id}")
    if status not in WORKED_ON.get(instance.status, ()):
        return None
    before = instance.status
    instance.status = status
    instance.status_changed_at = utcnow()
    instance.status_changed_by = None if actor.principal.is_client else actor.principal.id
    await session.flush()
    await records.replace_codes(
        session, household.id, NEEDS, await repository.live_codes(session, household.id)
    )
    return {
        "need_status": {
            "before": {"id": str(need_id), "code": instance.code, "status": before},
            "after": {"id": str(need_id), "code": instance.code, "status": status},
        }
    }
