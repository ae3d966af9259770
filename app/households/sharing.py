"""A household as it may go to an organisation a referral is addressed to (DOMAIN 7): the
facts an organisation's minimum data list picks from, read without a reach.

The caller decides what of it goes and how it is masked (`referrals.minimum_data`); it has
checked that the reader sees the referral, which is the reader's only way to this
household. Frozen values, not ORM objects. Not audited here: the route that shows what it
picks audits the read (`audit_read`)."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.core.db import ReadSession
from app.households.models import Household, Membership, Person
from app.households.plausibility import age_on


@dataclass(frozen=True, slots=True)
class SharedMember:
    """An active member with what an organisation's list may pick of them."""

    is_head: bool
    name: str
    relation_to_head: str
    sex: str
    age: int
    phone: str | None
    health: str | None
    disability_type: str | None
    disability_grade: str | None
    schooling: str | None


@dataclass(frozen=True, slots=True)
class HouseholdForSharing:
    """The household's region and address, and its active members (the head first)."""

    id: uuid.UUID
    region_code: str
    address: str
    members: tuple[SharedMember, ...]

    @property
    def head(self) -> SharedMember | None:
        return next((m for m in self.members if m.is_head), None)


async def for_sharing(
    session: ReadSession, household_id: uuid.UUID, today: date
) -> HouseholdForSharing | None:
    """The household with its active members and their ages on `today`, in two statements;
    None if it does not exist."""
    household = await session.get(Household, household_id)
    if household is None:
        return None
    rows = await session.execute(
        select(Membership.relation_to_head, Person)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.household_id == household_id, Membership.active.is_(True))
        .order_by(Membership.joined_on, Membership.id)
    )
    members = [
        SharedMember(
            is_head=person.id == household.head_person_id,
            name=person.name,
            relation_to_head=relation,
            sex=person.sex,
            age=age_on(person.birth_date, today),
            phone=person.phone,
            health=person.health,
            disability_type=person.disability_type,
            disability_grade=person.disability_grade,
            schooling=person.schooling,
        )
        for relation, person in rows
    ]
    members.sort(key=lambda m: not m.is_head)
    return HouseholdForSharing(
        id=household.id,
        region_code=household.region_code,
        address=household.address,
        members=tuple(members),
    )
