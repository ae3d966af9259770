"""Queries of target-type decisions and of the household's current types derived from them."""

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Row, delete, select

from app.core.db import ReadSession, WriteSession, among, column_rows
from app.core.pagination import PageRequest, paginate
from app.households.models import HouseholdTargetType, TargetTypeDecision


async def page_of(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[TargetTypeDecision], str | None]:
    """A household's decisions, oldest recorded first (ids are time-ordered UUIDv7)."""
    stmt = select(TargetTypeDecision).where(TargetTypeDecision.household_id == household_id)
    return await paginate(
        session, stmt, [TargetTypeDecision.id], page, scope=f"decisions:{household_id}"
    )


async def of_household(session: ReadSession, household_id: uuid.UUID) -> list[TargetTypeDecision]:
    stmt = (
        select(TargetTypeDecision)
        .where(TargetTypeDecision.household_id == household_id)
        .order_by(TargetTypeDecision.id)
    )
    return list((await session.scalars(stmt)).all())


async def dated_of_households(
    session: ReadSession, household_ids: Sequence[uuid.UUID]
) -> list[Row[uuid.UUID, str, date | None, date | None, date | None]]:
    """(household_id, target_type, decided_on, ends_on, ended_on) of the households'
    decisions, in one statement: only what `rules.in_force` reads (no ORM objects)."""
    if not household_ids:
        return []
    rows = await column_rows(
        session,
        select(
            TargetTypeDecision.household_id,
            TargetTypeDecision.target_type,
            TargetTypeDecision.decided_on,
            TargetTypeDecision.ends_on,
            TargetTypeDecision.ended_on,
        ).where(among(session, TargetTypeDecision.household_id, household_ids)),
    )
    return list(rows)


async def in_household(
    session: ReadSession, household_id: uuid.UUID, decision_id: uuid.UUID
) -> TargetTypeDecision | None:
    stmt = select(TargetTypeDecision).where(
        TargetTypeDecision.id == decision_id, TargetTypeDecision.household_id == household_id
    )
    return (await session.scalars(stmt)).one_or_none()


async def replace_current(
    session: WriteSession, household_id: uuid.UUID, rows: Sequence[HouseholdTargetType]
) -> None:
    """The household's current types become `rows` (one per type)."""
    await session.execute(
        delete(HouseholdTargetType).where(HouseholdTargetType.household_id == household_id)
    )
    session.add_all(rows)
    await session.flush()


async def current_types(session: ReadSession, household_id: uuid.UUID) -> list[str]:
    """The types the household holds now, sorted."""
    stmt = (
        select(HouseholdTargetType.target_type)
        .where(HouseholdTargetType.household_id == household_id)
        .order_by(HouseholdTargetType.target_type)
    )
    return list((await session.scalars(stmt)).all())


async def households_with_lapsed(session: ReadSession, today: date, limit: int) -> list[uuid.UUID]:
    """Households holding a type by a decision whose term is over (`ends_on` before today)."""
    stmt = (
        select(HouseholdTargetType.household_id)
        .join(TargetTypeDecision, TargetTypeDecision.id == HouseholdTargetType.decision_id)
        .where(TargetTypeDecision.ends_on < today)
        .distinct()
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())
