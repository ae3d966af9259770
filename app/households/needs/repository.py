"""Queries of need instances; no rules."""

import uuid

from sqlalchemy import select

from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate
from app.households.models import HouseholdNeed

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
