"""Queries every part of the ledger shares: a household by id, within an actor's reach."""

import functools
import uuid

from sqlalchemy import Select, Uuid, bindparam, exists, select

from app.core.db import ReadSession, WriteSession
from app.core.reach import Reach, ReachShape
from app.households.models import Household, HouseholdMeasure
from app.households.scope import reach_template, reach_values, visible_households

HOUSEHOLD_ID = bindparam("household_id", type_=Uuid())
"""The parameter of prebuilt statements about one household."""


@functools.cache
def _visible_by_id(shape: ReachShape, for_update: bool) -> Select[Household] | None:
    condition = reach_template(shape, Household.id, Household.region_code)
    if condition is None:
        return None
    stmt = select(Household).where(Household.id == HOUSEHOLD_ID, condition)
    return stmt.with_for_update() if for_update else stmt


async def get_visible(
    session: ReadSession, reach: Reach, household_id: uuid.UUID, *, for_update: bool = False
) -> Household | None:
    """The household if the reach holds it; one prebuilt statement per shape of reach."""
    stmt = _visible_by_id(reach.shape, for_update)
    if stmt is None:
        ad_hoc = select(Household).where(
            Household.id == household_id,
            visible_households(reach, Household.id, Household.region_code),
        )
        if for_update:
            ad_hoc = ad_hoc.with_for_update()
        return (await session.execute(ad_hoc)).scalar_one_or_none()
    found = await session.execute(stmt, {"household_id": household_id, **reach_values(reach)})
    return found.scalar_one_or_none()


async def exists_anywhere(session: ReadSession, household_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Household.id == household_id))))


async def lock(session: WriteSession, household_id: uuid.UUID) -> Household:
    """A household by id, locked for the transaction, whoever reaches it: for a change the
    caller is entitled to by something else than reach (an accepted transfer request moves
    a person into a household of the requesting street)."""
    found = await session.execute(
        select(Household).where(Household.id == household_id).with_for_update()
    )
    return found.scalar_one()


async def measure_codes(session: ReadSession, household_id: uuid.UUID) -> list[str]:
    """Codes of the household's measure records that are not voided (completeness counts them)."""
    rows = await session.scalars(
        select(HouseholdMeasure.code).where(
            HouseholdMeasure.household_id == household_id, HouseholdMeasure.voided_at.is_(None)
        )
    )
    return list(rows)
