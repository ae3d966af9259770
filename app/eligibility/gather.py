"""The inputs of one assessment, read from the ledger as of the reference date D (DOMAIN 5).

Everything comes through the ledger's public surfaces (`households.public`,
`finances.public`), each part in one or two set-based statements, so gathering one
household costs a fixed number of statements whatever its members, months or assets:

- members on D by their joined and left dates, with each one's facts as they stand now
  (a later correction of a health status, say, is not undone);
- income per month of the window (the 12 calendar months before D's month) and the rigid
  expenditure the household bore per kind over it, as recorded now;
- its assets, or None when it never declared them;
- hukou region code and settled-since on D (later corrections undone from the history),
  its district, and the target types held on D.
"""

import uuid
from datetime import date

from app.core.db import ReadSession
from app.eligibility.rules import AssetFacts, AssetKind, HouseholdInputs, Member, window
from app.finances import public as finances
from app.households import public as households


def _months(reference_date: date) -> finances.MonthRange:
    months = window(reference_date)
    return finances.MonthRange(months[0], months[-1])


def _asset(fact: finances.AssetFact) -> AssetFacts:
    return AssetFacts(
        kind=AssetKind(fact.kind),
        ownership_share=fact.ownership_share,
        value=fact.value,
        area_m2=fact.area_m2,
        vehicle_type=fact.vehicle_type,
        count=fact.count,
    )


async def _members(
    session: ReadSession, household_id: uuid.UUID, reference_date: date
) -> tuple[Member, ...]:
    """Members on D in the order they joined, with their facts."""
    present = await households.members_on(session, household_id, reference_date)
    facts = await households.person_facts(session, set(present))
    return tuple(
        Member(
            person_id=person_id,
            birth_date=facts[person_id].birth_date,
            health=facts[person_id].health,
            disability_grade=facts[person_id].disability_grade,
            employment=facts[person_id].employment,
        )
        for person_id in present
    )


async def household_inputs(
    session: ReadSession, household_id: uuid.UUID, reference_date: date
) -> HouseholdInputs:
    """The inputs of an assessment of the household on `reference_date` D. The caller
    fetched the household through the actor's reach (this reads, it does not check)."""
    months = _months(reference_date)
    assets = await finances.declared_assets(session, household_id)
    residence = await households.residence_on(session, household_id, reference_date)
    return HouseholdInputs(
        reference_date=reference_date,
        members=await _members(session, household_id, reference_date),
        income_by_month=await finances.income_by_month(session, household_id, months),
        rigid_by_kind=await finances.rigid_by_kind(session, household_id, months),
        assets=None if assets is None else tuple(_asset(a) for a in assets),
        hukou_region_code=residence.hukou_region_code,
        district_code=residence.district_code,
        lived_in_city_since=residence.settled_since,
        registered_types=await households.target_types_on(session, household_id, reference_date),
    )
