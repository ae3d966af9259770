"""Queries of need instances; no rules."""

import uuid

from sqlalchemy import select

from app.core.db import ReadSession
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
