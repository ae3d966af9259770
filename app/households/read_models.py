"""Read models of the ledger for other domains: a household and its members as of now.

Frozen values, not ORM objects, so a neighbour can neither change a household
behind the ledger's back nor trigger a lazy load. They carry what rules need
(composition, ages, categories, hukou type, residence) and nothing that
identifies a person: no names, ID numbers, phones, addresses or free text, and
no birth dates either (with the first six and last four digits a masked ID
number shows, a birth date is the whole number). A route shows those only
through the ledger's own masked views.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row

from app.core.auth import Actor
from app.core.db import ReadSession
from app.households import access
from app.households.models import CAUSES, NEEDS, Household, HouseholdNeed
from app.households.plausibility import age_on
from app.households.record import repository


@dataclass(frozen=True, slots=True)
class HouseholdRef:
    """Which household, at which version, where, in which state."""

    id: uuid.UUID
    version: int
    region_code: str
    district_code: str
    status: str
    head_person_id: uuid.UUID | None

    @classmethod
    def of(cls, household: Household | Row[Any]) -> "HouseholdRef":
        return cls(
            id=household.id,
            version=household.version,
            region_code=household.region_code,
            district_code=household.district_code,
            status=household.status,
            head_person_id=household.head_person_id,
        )


@dataclass(frozen=True, slots=True)
class MemberNow:
    person_id: uuid.UUID
    is_head: bool
    relation_to_head: str
    joined_on: date
    sex: str
    age: int
    employment: str | None
    education: str | None
    health: str | None
    disability_type: str | None
    disability_grade: str | None
    parents_situation: str | None
    schooling: str | None


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the eligibility rules read of a person (DOMAIN 5: ages on D, health, disability,
    employment), as the ledger holds them now (their past values are only in the
    households' histories, which this does not read).

    The birth date is here, unlike in `MemberNow`, because an age on a past date needs
    it; a caller derives what it shows or stores from it and never shows the date itself."""

    person_id: uuid.UUID
    birth_date: date
    health: str | None
    disability_grade: str | None
    employment: str | None


@dataclass(frozen=True, slots=True)
class CategoryNow:
    category: str
    subtype: str | None
    person_id: uuid.UUID | None
    """The member the category belongs to; None for the household as a whole."""


@dataclass(frozen=True, slots=True)
class HouseholdNow:
    """A household and its active members as the ledger holds them now; who counted on a
    past date is `households.public.members_on`."""

    ref: HouseholdRef
    hukou_region_code: str | None
    """National division code of the hukou place (in the district: its first six digits)."""
    hukou_type: str | None
    settled_since: date | None
    target_types: tuple[str, ...]
    categories: tuple[CategoryNow, ...]
    causes: tuple[str, ...]
    needs: tuple[str, ...]
    complete: bool
    members: tuple[MemberNow, ...]


async def household_now(
    session: ReadSession, actor: Actor, household_id: uuid.UUID
) -> HouseholdNow:
    """The household if the actor may see its personal data (404 / 403 otherwise).

    Not audited here: the route that shows what it derives from it audits its
    read (`audit_read`)."""
    found = await repository.read_visible(session, actor.reach, household_id)
    if found is None:
        await access.not_visible(session, household_id)
    household, rows = found
    await access.check_personal(session, actor, household.region_code)
    return HouseholdNow(
        ref=HouseholdRef.of(household),
        hukou_region_code=household.hukou_region_code,
        hukou_type=household.hukou_type,
        settled_since=household.settled_since,
        target_types=tuple(t.target_type for t in rows.target_types),
        categories=tuple(CategoryNow(c.category, c.subtype, c.person_id) for c in rows.categories),
        causes=tuple(rows.codes.get(CAUSES, [])),
        needs=tuple(rows.codes.get(NEEDS, [])),
        complete=household.complete,
        members=tuple(
            MemberNow(
                person_id=m.id,
                is_head=m.id == household.head_person_id,
                relation_to_head=m.relation_to_head,
                joined_on=m.joined_on,
                sex=m.sex,
                age=age_on(m.birth_date, actor.today),
                employment=m.employment,
                education=m.education,
                health=m.health,
                disability_type=m.disability_type,
                disability_grade=m.disability_grade,
                parents_situation=m.parents_situation,
                schooling=m.schooling,
            )
            for m in rows.members
        ),
    )


@dataclass(frozen=True, slots=True)
class NeedInstance:
    """A need as a dated instance (DOMAIN 4, 6): what, since when, noted by whom, from what,
    and where it stands (`open`, `being_met`, `met`, `withdrawn`); its note is free text,
    so it is not here."""

    id: uuid.UUID
    household_id: uuid.UUID
    code: str
    status: str
    noted_on: date
    noted_by: uuid.UUID | None
    source: str
    source_id: uuid.UUID | None
    status_changed_at: datetime | None

    @classmethod
    def of(cls, need: HouseholdNeed) -> "NeedInstance":
        return cls(
            id=need.id,
            household_id=need.household_id,
            code=need.code,
            status=need.status,
            noted_on=need.noted_on,
            noted_by=need.noted_by,
            source=need.source,
            source_id=need.source_id,
            status_changed_at=need.status_changed_at,
        )
