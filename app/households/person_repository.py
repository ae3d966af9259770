"""Queries of persons and memberships."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.households.person_models import Membership, Person


async def by_index(session: AsyncSession, id_number_index: str) -> Person | None:
    return (
        await session.execute(select(Person).where(Person.id_number_index == id_number_index))
    ).scalar_one_or_none()


async def get(session: AsyncSession, person_id: uuid.UUID) -> Person | None:
    return await session.get(Person, person_id)


async def active_membership(session: AsyncSession, person_id: uuid.UUID) -> Membership | None:
    return (
        await session.execute(
            select(Membership).where(Membership.person_id == person_id, Membership.active.is_(True))
        )
    ).scalar_one_or_none()


async def active_membership_by_index(
    session: AsyncSession, id_number_index: str
) -> Membership | None:
    return (
        await session.execute(
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(Person.id_number_index == id_number_index, Membership.active.is_(True))
        )
    ).scalar_one_or_none()


async def members_ever(
    session: AsyncSession, household_id: uuid.UUID, person_ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of `person_ids` are or were members of the household."""
    if not person_ids:
        return set()
    found = await session.scalars(
        select(Membership.person_id)
        .where(Membership.household_id == household_id, Membership.person_id.in_(person_ids))
        .distinct()
    )
    return set(found)
