"""Queries of persons and memberships."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, func, or_, select

from app.core.db import ReadSession, WriteSession, among, column_rows
from app.core.reach import Reach
from app.core.region_codes import in_subtree
from app.households.models import Household, HouseholdCategory, Membership, Person
from app.households.record.repository import MEMBER_ROWS
from app.households.scope import visible_households


async def by_index(session: ReadSession, id_number_index: str) -> Person | None:
    return (
        await session.execute(select(Person).where(Person.id_number_index == id_number_index))
    ).scalar_one_or_none()


async def get(session: ReadSession, person_id: uuid.UUID) -> Person | None:
    return await session.get(Person, person_id)


async def active_membership(session: ReadSession, person_id: uuid.UUID) -> Membership | None:
    return (
        await session.execute(
            select(Membership).where(Membership.person_id == person_id, Membership.active.is_(True))
        )
    ).scalar_one_or_none()


async def lock(session: WriteSession, person_id: uuid.UUID) -> Person | None:
    """The person, locked for the transaction (PostgreSQL row lock; SQLite writers are serial).

    Lock order: a person after the households of the change, never before."""
    return (
        await session.execute(select(Person).where(Person.id == person_id).with_for_update())
    ).scalar_one_or_none()


async def active_membership_by_index(
    session: ReadSession, id_number_index: str
) -> Membership | None:
    return (
        await session.execute(
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(Person.id_number_index == id_number_index, Membership.active.is_(True))
        )
    ).scalar_one_or_none()


async def active_within(
    session: ReadSession, reach: Reach, id_number_index: str, streets: list[str] | None
) -> Row[uuid.UUID, str, uuid.UUID, str] | None:
    """The person of a blind index (`person_id`, `name`) and the household it is an active
    member of (`household_id`, `region_code`), if the reach holds that household (and it
    lies in one of `streets` when given); else None. One statement, whatever the answer."""
    stmt = (
        select(
            Person.id.label("person_id"),
            Person.name,
            Household.id.label("household_id"),
            Household.region_code,
        )
        .join_from(Membership, Person, Person.id == Membership.person_id)
        .join(Household, Household.id == Membership.household_id)
        .where(
            Person.id_number_index == id_number_index,
            Membership.active.is_(True),
            visible_households(reach, Household.id, Household.region_code),
        )
    )
    if streets is not None:
        stmt = stmt.where(or_(*(in_subtree(Household.region_code, s) for s in streets)))
    return (await session.execute(stmt)).first()


async def member_rows(session: ReadSession, household_id: uuid.UUID) -> list[Row[Any]]:
    """Active members (see `MEMBER_ROWS`), in the order they joined."""
    return list((await session.execute(MEMBER_ROWS, {"household_id": household_id})).all())


async def member_row(
    session: ReadSession, household_id: uuid.UUID, person_id: uuid.UUID
) -> Row[Any]:
    """One active member as `MEMBER_ROWS` gives it (flushed changes included)."""
    await session.flush()
    stmt = MEMBER_ROWS.where(Person.__table__.c.id == person_id)
    return (await session.execute(stmt, {"household_id": household_id})).one()


async def members_ever(
    session: ReadSession, household_id: uuid.UUID, person_ids: set[uuid.UUID]
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


async def membership_periods(
    session: ReadSession, household_id: uuid.UUID, person_ids: set[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[date, date | None]]]:
    """(joined_on, left_on) of every membership of `person_ids` in the household, oldest first."""
    if not person_ids:
        return {}
    rows = await session.execute(
        select(Membership.person_id, Membership.joined_on, Membership.left_on)
        .where(Membership.household_id == household_id, Membership.person_id.in_(person_ids))
        .order_by(Membership.joined_on, Membership.id)
    )
    found: dict[uuid.UUID, list[tuple[date, date | None]]] = {}
    for person_id, joined, left in rows:
        found.setdefault(person_id, []).append((joined, left))
    return found


async def members_on(session: ReadSession, household_id: uuid.UUID, day: date) -> list[uuid.UUID]:
    """Persons who were members of the household on `day`: joined on or before it and not
    yet left (`left_on` is the first day a person no longer counts), in the order they joined."""
    return (await members_on_many(session, [household_id], day)).get(household_id, [])


async def members_on_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], day: date
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """`members_on` of each of the households in one statement; a household with no member
    on `day` is absent."""
    if not household_ids:
        return {}
    rows = await column_rows(
        session,
        select(Membership.household_id, Membership.person_id)
        .where(
            Membership.household_id.in_(household_ids),
            Membership.joined_on <= day,
            or_(Membership.left_on.is_(None), Membership.left_on > day),
        )
        .order_by(Membership.household_id, Membership.joined_on, Membership.id),
    )
    found: dict[uuid.UUID, dict[uuid.UUID, None]] = {}
    for household_id, person_id in rows:
        found.setdefault(household_id, {})[person_id] = None
    return {household_id: list(persons) for household_id, persons in found.items()}


MemberFactRow = Row[uuid.UUID, uuid.UUID, date, str | None, str | None, str | None]


async def member_facts_on_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], day: date
) -> list[MemberFactRow]:
    """(household id, person id, birth date, health, disability grade, employment) of each
    membership of the households on `day` (as `members_on_many` selects them, in its
    order), its person's facts joined, in one statement."""
    if not household_ids:
        return []
    rows = await column_rows(
        session,
        select(
            Membership.household_id,
            Person.id,
            Person.birth_date,
            Person.health,
            Person.disability_grade,
            Person.employment,
        )
        .join(Person, Person.id == Membership.person_id)
        .where(
            among(session, Membership.household_id, household_ids),
            Membership.joined_on <= day,
            or_(Membership.left_on.is_(None), Membership.left_on > day),
        )
        .order_by(Membership.household_id, Membership.joined_on, Membership.id),
    )
    return list(rows)


async def latest_left_on(
    session: ReadSession, person_id: uuid.UUID, *, other_than: uuid.UUID | None = None
) -> date | None:
    """The last day an ended membership of the person ended, in any household."""
    stmt = select(func.max(Membership.left_on)).where(Membership.person_id == person_id)
    if other_than is not None:
        stmt = stmt.where(Membership.id != other_than)
    found: date | None = await session.scalar(stmt)
    return found


async def count_active_members(session: ReadSession, household_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.household_id == household_id, Membership.active.is_(True))
        )
        or 0
    )


async def drop_person_categories(
    session: WriteSession, household_id: uuid.UUID, person_id: uuid.UUID
) -> list[HouseholdCategory]:
    """Remove a leaving member's own categories; returns them (a transfer carries them along)."""
    rows = list(
        await session.scalars(
            select(HouseholdCategory).where(
                HouseholdCategory.household_id == household_id,
                HouseholdCategory.person_id == person_id,
            )
        )
    )
    for row in rows:
        await session.delete(row)
    return rows
