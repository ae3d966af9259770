"""Queries of who looks after a household: assignments, plan versions, measures, episodes and
exit proposals."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate
from app.households.models import (
    HouseholdAssignment,
    HouseholdEpisode,
    HouseholdExitProposal,
    HouseholdMeasure,
    HouseholdPlan,
)


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


async def measure(
    session: ReadSession, household_id: uuid.UUID, measure_id: uuid.UUID
) -> HouseholdMeasure | None:
    return (
        await session.execute(
            select(HouseholdMeasure).where(
                HouseholdMeasure.id == measure_id, HouseholdMeasure.household_id == household_id
            )
        )
    ).scalar_one_or_none()


async def measures_page(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdMeasure], str | None]:
    """The household's measure records, newest first (by day given, then by record)."""
    stmt = select(HouseholdMeasure).where(HouseholdMeasure.household_id == household_id)
    return await paginate(
        session,
        stmt,
        [HouseholdMeasure.given_on, HouseholdMeasure.id],
        page,
        scope=f"measures:{household_id}",
        descending=True,
    )


async def measures_total(
    session: ReadSession, household_id: uuid.UUID, code: str, start: date, end: date
) -> Decimal:
    """The amounts of the household's measures of `code` given from `start` to `end`
    (inclusive) that are not voided, in yuan: one aggregate on the (household, given_on)
    index."""
    total: Decimal = await session.scalar(
        select(func.coalesce(func.sum(HouseholdMeasure.amount), 0)).where(
            HouseholdMeasure.household_id == household_id,
            HouseholdMeasure.given_on >= start,
            HouseholdMeasure.given_on <= end,
            HouseholdMeasure.code == code,
            HouseholdMeasure.voided_at.is_(None),
        )
    )
    return total


async def open_episode(session: ReadSession, household_id: uuid.UUID) -> HouseholdEpisode | None:
    return (
        await session.execute(
            select(HouseholdEpisode).where(
                HouseholdEpisode.household_id == household_id,
                HouseholdEpisode.exited_on.is_(None),
            )
        )
    ).scalar_one_or_none()


async def episodes_page(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdEpisode], str | None]:
    """The household's stays in the ledger, newest first."""
    stmt = select(HouseholdEpisode).where(HouseholdEpisode.household_id == household_id)
    return await paginate(
        session,
        stmt,
        [HouseholdEpisode.entered_on, HouseholdEpisode.id],
        page,
        scope=f"episodes:{household_id}",
        descending=True,
    )


async def pending_proposal(
    session: ReadSession, household_id: uuid.UUID
) -> HouseholdExitProposal | None:
    return (
        await session.execute(
            select(HouseholdExitProposal).where(
                HouseholdExitProposal.household_id == household_id,
                HouseholdExitProposal.status == "proposed",
            )
        )
    ).scalar_one_or_none()


async def proposal(
    session: ReadSession, household_id: uuid.UUID, proposal_id: uuid.UUID
) -> HouseholdExitProposal | None:
    return (
        await session.execute(
            select(HouseholdExitProposal).where(
                HouseholdExitProposal.id == proposal_id,
                HouseholdExitProposal.household_id == household_id,
            )
        )
    ).scalar_one_or_none()


async def proposals_page(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdExitProposal], str | None]:
    """The household's exit proposals, newest first."""
    stmt = select(HouseholdExitProposal).where(HouseholdExitProposal.household_id == household_id)
    return await paginate(
        session,
        stmt,
        [HouseholdExitProposal.id],
        page,
        scope=f"exit-proposals:{household_id}",
        descending=True,
    )


async def proposals_by_id(
    session: ReadSession, ids: list[uuid.UUID]
) -> list[HouseholdExitProposal]:
    if not ids:
        return []
    rows = await session.scalars(
        select(HouseholdExitProposal).where(HouseholdExitProposal.id.in_(ids))
    )
    return list(rows)
