"""Queries of who looks after a household: agency assignments and plan versions."""

import uuid

from sqlalchemy import func, select

from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate
from app.households.models import HouseholdAssignment, HouseholdPlan


async def current_assignment(
    session: ReadSession, household_id: uuid.UUID
) -> HouseholdAssignment | None:
    return (
        await session.execute(
            select(HouseholdAssignment).where(
                HouseholdAssignment.household_id == household_id,
                HouseholdAssignment.active.is_(True),
            )
        )
    ).scalar_one_or_none()


async def assignments(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdAssignment], str | None]:
    """A page of the household's assignments, newest first (ids are time-ordered)."""
    return await paginate(
        session,
        select(HouseholdAssignment).where(HouseholdAssignment.household_id == household_id),
        [HouseholdAssignment.id],
        page,
        scope=f"assignments:{household_id}",
        descending=True,
    )


async def latest_plan(session: ReadSession, household_id: uuid.UUID) -> HouseholdPlan | None:
    latest = (
        select(func.max(HouseholdPlan.revision))
        .where(HouseholdPlan.household_id == household_id)
        .scalar_subquery()
    )
    return (
        await session.execute(
            select(HouseholdPlan).where(
                HouseholdPlan.household_id == household_id, HouseholdPlan.revision == latest
            )
        )
    ).scalar_one_or_none()


async def plans(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdPlan], str | None]:
    """A page of the versions of the household's plan, newest (highest revision) first."""
    return await paginate(
        session,
        select(HouseholdPlan).where(HouseholdPlan.household_id == household_id),
        [HouseholdPlan.revision],
        page,
        scope=f"plans:{household_id}",
        descending=True,
    )
