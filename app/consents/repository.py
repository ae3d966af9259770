"""Queries of consents; no rules. A household's reach is applied here or was checked by
the caller."""

import uuid
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm.util import AliasedClass

from app.consents.models import HouseholdConsent
from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate
from app.core.reach import Reach
from app.households.public import jurisdiction


async def get_visible(
    session: ReadSession, reach: Reach, consent_id: uuid.UUID
) -> HouseholdConsent | None:
    """The consent if its household is in the reach."""
    stmt = select(HouseholdConsent).where(
        HouseholdConsent.id == consent_id,
        jurisdiction(reach, HouseholdConsent.household_id, HouseholdConsent.region_code),
    )
    found: HouseholdConsent | None = await session.scalar(stmt)
    return found


async def exists_anywhere(session: ReadSession, consent_id: uuid.UUID) -> bool:
    return await session.get(HouseholdConsent, consent_id) is not None


async def page_of_household(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdConsent], str | None]:
    """The household's consents, newest recorded first (ids are time-ordered)."""
    stmt = select(HouseholdConsent).where(HouseholdConsent.household_id == household_id)
    return await paginate(
        session,
        stmt,
        [HouseholdConsent.id],
        page,
        scope=f"consents:{household_id}",
        descending=True,
    )


def in_force_on(
    consent: type[HouseholdConsent] | AliasedClass[HouseholdConsent], day: Any
) -> ColumnElement[bool]:
    """SQL condition: `consent` (the table or an alias of it) is in force on `day` (a value
    or a bound parameter): `rules.in_force` in SQL."""
    return and_(
        consent.given_on <= day,
        or_(consent.withdrawn_on.is_(None), consent.withdrawn_on > day),
        or_(consent.valid_until.is_(None), consent.valid_until >= day),
    )


async def in_force_among(
    session: ReadSession,
    household_ids: Collection[uuid.UUID],
    organization_ids: Collection[uuid.UUID],
    day: date,
) -> list[HouseholdConsent]:
    """Consents of any of the households to any of the organisations in force on `day`
    (`rules.in_force` in SQL), in one statement."""
    stmt = select(HouseholdConsent).where(
        HouseholdConsent.household_id.in_(set(household_ids)),
        HouseholdConsent.organization_id.in_(set(organization_ids)),
        in_force_on(HouseholdConsent, day),
    )
    return list(await session.scalars(stmt))


async def any_recorded(session: ReadSession) -> bool:
    return await session.scalar(select(HouseholdConsent.id).limit(1)) is not None
