"""Queries of who looks after a household: agency assignments and plan versions."""

import uuid

from sqlalchemy import func, select

from app.core.db import ReadSession
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


async def assignments(session: ReadSession, household_id: uuid.UUID) -> list[HouseholdAssignment]:
    """Every assignment of the household, newest first."""
    rows = await session.scalars(
        select(HouseholdAssignment)
        .where(HouseholdAssignment.household_id == household_id)
        .order_by(HouseholdAssignment.id.desc())
    )
    return list(rows)


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


async def plans(session: ReadSession, household_id: uuid.UUID) -> list[HouseholdPlan]:
    """Every version of the household's plan, newest first."""
    rows = await session.scalars(
        select(HouseholdPlan)
        .where(HouseholdPlan.household_id == household_id)
        .order_by(HouseholdPlan.revision.desc())
    )
    return list(rows)
