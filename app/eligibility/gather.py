"""The inputs of assessments, read from the ledger as of the reference date D (DOMAIN 5).

Everything comes through the ledger's public surfaces (`households.public`,
`finances.public`), for a whole batch of households at once: one set-based statement per
kind of input (eight in all), never one per household, so gathering costs a fixed number of
statements whatever the batch's size, members, months or assets. The single assessment
gathers a batch of one (`household_inputs`) and the simulation batches of many
(`households_inputs`): the same reads, so the two cannot disagree.

- members on D by their joined and left dates, with each one's facts as they stand now
  (a later correction of a health status, say, is not undone);
- income per month of the window (the 12 calendar months before D's month) and the rigid
  expenditure the household bore per kind over it, as recorded now;
- its assets, or None when it never declared them;
- hukou region code and settled-since on D (later corrections undone from the history),
  its district, and the target types held on D.
"""

import uuid
from collections.abc import Mapping, Sequence
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
    session: ReadSession, household_ids: Sequence[uuid.UUID], reference_date: date
) -> dict[uuid.UUID, tuple[Member, ...]]:
    """Members on D of each household in the order they joined, with their facts."""
    present = await households.members_with_facts_on_many(session, household_ids, reference_date)
    return {
        household_id: tuple(
            Member(p.person_id, p.birth_date, p.health, p.disability_grade, p.employment)
            for p in persons
        )
        for household_id, persons in present.items()
    }


async def households_inputs(
    session: ReadSession,
    household_ids: Sequence[uuid.UUID],
    reference_date: date,
    *,
    types: Mapping[uuid.UUID, frozenset[str]] | None = None,
) -> dict[uuid.UUID, HouseholdInputs]:
    """The inputs of an assessment on `reference_date` D of each household of the batch; a
    household that does not exist is absent. The caller reached the households (this
    reads, it does not check). `types`: the target types held on D, when the caller read
    them already (`households.target_types_on_many`, the same read; the simulation reads
    them first to leave out the households its status decides)."""
    ids = list(dict.fromkeys(household_ids))
    months = _months(reference_date)
    residences = await households.residence_on_many(session, ids, reference_date)
    members = await _members(session, ids, reference_date)
    incomes = await finances.income_by_month_many(session, ids, months)
    rigid = await finances.rigid_by_kind_many(session, ids, months)
    assets = await finances.declared_assets_many(session, ids)
    if types is None:
        types = await households.target_types_on_many(session, ids, reference_date)
    found = {}
    for household_id, residence in residences.items():
        declared = assets[household_id]
        found[household_id] = HouseholdInputs(
            reference_date=reference_date,
            members=members.get(household_id, ()),
            income_by_month=incomes.get(household_id, {}),
            rigid_by_kind=rigid.get(household_id, {}),
            assets=None if declared is None else tuple(_asset(a) for a in declared),
            hukou_region_code=residence.hukou_region_code,
            district_code=residence.district_code,
            lived_in_city_since=residence.settled_since,
            registered_types=types.get(household_id, frozenset()),
        )
    return found


async def household_inputs(
    session: ReadSession, household_id: uuid.UUID, reference_date: date
) -> HouseholdInputs:
    """The inputs of an assessment of the household on `reference_date` D: a batch of one.
    The caller fetched the household through the actor's reach; LookupError when there is
    no such household."""
    found = await households_inputs(session, [household_id], reference_date)
    if household_id not in found:
        raise LookupError(household_id)
    return found[household_id]
