"""Queries of need instances; no rules."""

import uuid
from datetime import date, datetime

from sqlalchemy import exists, or_, select

from app.core.db import ReadSession, column_rows
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import in_subtree
from app.households.models import HouseholdEpisode, HouseholdNeed

LIVE = ("open", "being_met")
"""The statuses of a need the household still has: its need codes are these instances'."""


async def live_codes(session: ReadSession, household_id: uuid.UUID) -> list[str]:
    """The distinct codes of the household's open and being-met needs, sorted."""
    found = await session.scalars(
        select(HouseholdNeed.code)
        .where(HouseholdNeed.household_id == household_id, HouseholdNeed.status.in_(LIVE))
        .distinct()
    )
    return sorted(found)


async def instance(session: ReadSession, need_id: uuid.UUID) -> HouseholdNeed | None:
    return await session.get(HouseholdNeed, need_id)


async def instances(
    session: ReadSession,
    household_id: uuid.UUID,
    *,
    source: str | None = None,
    source_id: uuid.UUID | None = None,
) -> list[HouseholdNeed]:
    """The household's need instances in the order they were noted (noted_on, id); only
    those of one source (and its id) when given."""
    stmt = select(HouseholdNeed).where(HouseholdNeed.household_id == household_id)
    if source is not None:
        stmt = stmt.where(HouseholdNeed.source == source)
    if source_id is not None:
        stmt = stmt.where(HouseholdNeed.source_id == source_id)
    return list(await session.scalars(stmt.order_by(HouseholdNeed.noted_on, HouseholdNeed.id)))


async def page(
    session: ReadSession, household_id: uuid.UUID, status: str | None, request: PageRequest
) -> tuple[list[HouseholdNeed], str | None]:
    """The household's need instances in the order they were noted (ids are time-ordered)."""
    stmt = select(HouseholdNeed).where(HouseholdNeed.household_id == household_id)
    if status is not None:
        stmt = stmt.where(HouseholdNeed.status == status)
    scope = f"household_needs:{household_id}:{status}"
    return await paginate(session, stmt, [HouseholdNeed.id], request, scope=scope)


async def live_in_region_on(
    session: ReadSession, region_code: str, day: date, until: datetime
) -> list[tuple[uuid.UUID, str, str]]:
    """(household id, need code, household's region code), distinct, of the needs live at the end of `day` in the
    region's subtree, of households in the ledger on `day` (a stay entered on or before it and
    not exited on or before it), in one statement.

    A need is live at the end of `day` when it was noted on or before it and it is live now,
    or its status changed at or after `until` (the instant `day` ended, or now for today):
    `met` and `withdrawn` are final, so a final need changed after `until` was live then.
    The region is the household's current one (a household moved since is counted where it
    lives now)."""
    in_ledger = exists().where(
        HouseholdEpisode.household_id == HouseholdNeed.household_id,
        HouseholdEpisode.entered_on <= day,
        or_(HouseholdEpisode.exited_on.is_(None), HouseholdEpisode.exited_on > day),
    )
    stmt = (
        select(HouseholdNeed.household_id, HouseholdNeed.code, HouseholdNeed.region_code)
        .where(
            in_subtree(HouseholdNeed.region_code, region_code),
            HouseholdNeed.noted_on <= day,
            or_(HouseholdNeed.status.in_(LIVE), HouseholdNeed.status_changed_at >= until),
            in_ledger,
        )
        .distinct()
    )
    return [(h, code, region) for h, code, region in await column_rows(session, stmt)]
