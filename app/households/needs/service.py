"""Needs as dated instances (帮扶需求, DOMAIN 4, 6): noted from an application, a home visit,
a discovery report or the record itself, each with its day, author and source, so that a
referral, a plan item and a measure can point to the need they answer. The household's
need codes are derived from its live instances (open or being met) in the same
transaction, so the record, its filters and `household_now` keep reading codes."""

import uuid
from datetime import date

from app.core.auth import Actor
from app.core.db import WriteSession
from app.households.models import NEEDS, Household, HouseholdNeed
from app.households.needs.repository import live_codes
from app.households.record import repository as records


async def note(
    session: WriteSession,
    actor: Actor,
    household: Household,
    codes: list[str],
    *,
    source: str,
    source_id: uuid.UUID | None,
    noted_on: date,
    note: str | None = None,
) -> list[HouseholdNeed]:
    """Note one open need instance per distinct code, in code order, and derive the
    household's need codes again. The caller checked the codes against the `need`
    dictionary and records the household's change."""
    noted_by = None if actor.principal.is_client else actor.principal.id
    instances = [
        HouseholdNeed(
            household_id=household.id,
            region_code=household.region_code,
            district_code=household.district_code,
            code=code,
            status="open",
            noted_on=noted_on,
            noted_by=noted_by,
            source=source,
            source_id=source_id,
            note=note,
        )
        for code in sorted(set(codes))
    ]
    session.add_all(instances)
    await derive_codes(session, household.id)
    return instances


async def derive_codes(session: WriteSession, household_id: uuid.UUID) -> None:
    """The household's need codes become the codes of its live need instances."""
    await session.flush()
    await records.replace_codes(
        session, household_id, NEEDS, await live_codes(session, household_id)
    )
