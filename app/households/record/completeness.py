"""Completeness of ledger records: per record on every change, and the share per region (DOMAIN 3; Beijing 7)."""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession
from app.core.errors import NotFound
from app.core.region_codes import LEVEL_LENGTHS, RegionLevel, in_subtree, is_within, level_of
from app.households import repository as ledger
from app.households.models import NEEDS, Household, HouseholdPlan
from app.households.record import repository
from app.households.record.rules import (
    MEMBER_FACT_FIELDS,
    CategoryFacts,
    CoreFacts,
    HouseholdFacts,
    MemberFacts,
    missing_fields,
    previous_months,
)
from app.regions.public import child_region_codes

IncomeMonths = Callable[
    [ReadSession, Sequence[uuid.UUID], date, date], Awaitable[dict[uuid.UUID, set[date]]]
]
"""(session, household ids, first month, last month) -> per household, the months with an
income row (households without any left out)."""
_INCOME_MONTHS: list[IncomeMonths] = []


def read_income_months_with(source: IncomeMonths) -> None:
    """Let completeness see which months have incomes (the finances domain holds them;
    called once, when the app is composed from its domains)."""
    if source not in _INCOME_MONTHS:
        _INCOME_MONTHS.append(source)


async def income_months(
    session: ReadSession, household_ids: Sequence[uuid.UUID], today: date
) -> dict[uuid.UUID, set[date]]:
    """Per household, the months of `today`'s income window with an income row."""
    window = previous_months(today)
    found: dict[uuid.UUID, set[date]] = {}
    for source in _INCOME_MONTHS:
        for household_id, months in (
            await source(session, household_ids, window[0], window[-1])
        ).items():
            found.setdefault(household_id, set()).update(months)
    return found


async def core_facts(session: ReadSession, household: Household, today: date) -> CoreFacts:
    """DOMAIN 4's core fields of the record as it now stands."""
    months = (await income_months(session, [household.id], today)).get(household.id, set())
    has_plan = await session.scalar(
        select(HouseholdPlan.id).where(HouseholdPlan.household_id == household.id).limit(1)
    )
    return CoreFacts(
        today=today,
        region_code=household.region_code,
        hukou_region_code=household.hukou_region_code,
        hukou_type=household.hukou_type,
        settled_since=household.settled_since,
        has_plan=has_plan is not None,
        paired_worker_id=household.paired_worker_id,
        income_months=frozenset(months),
    )


async def refresh(
    session: WriteSession,
    household: Household,
    today: date,
    *,
    needs: list[str] | None = None,
    write_now: bool = True,
) -> None:
    """Recompute `complete` and `missing_fields` from the record as it now stands, on the
    business date `today` (the income window moves with it: a record complete this month
    can lack next month's newest month). `needs`: the household's need codes when the
    caller has just derived them (not read again). `write_now=False` leaves the row to the
    transaction's next flush, for a caller that answers nothing built from `household`."""
    await session.flush()
    if needs is None:
        needs = (await repository.codes(session, household.id)).get(NEEDS, [])
    facts = HouseholdFacts(
        core=await core_facts(session, household, today),
        head_person_id=household.head_person_id,
        benefits=household.benefits,
        needs=needs,
        measures=await ledger.measure_codes(session, household.id),
        no_help_reason=household.no_help_reason,
        basic_situation=household.basic_situation,
        emergency_situation=household.emergency_situation,
        categories=[
            CategoryFacts(c.category, c.subtype, c.person_id)
            for c in await repository.categories(session, household.id)
        ],
        members=[
            MemberFacts(person.id, **{name: getattr(person, name) for name in MEMBER_FACT_FIELDS})
            for _, person in await repository.members(session, household.id)
        ],
    )
    gaps = missing_fields(facts)
    household.missing_fields = gaps
    household.complete = not gaps
    if write_now:
        # Written now, so a response built from `household` shows the row as stored (updated_at).
        await session.flush()


@dataclass(frozen=True, slots=True)
class RegionCompleteness:
    region_code: str
    households: int
    complete: int


_NEXT_LEVEL = {
    RegionLevel.district: RegionLevel.street,
    RegionLevel.street: RegionLevel.community,
    RegionLevel.community: RegionLevel.grid,
    RegionLevel.grid: RegionLevel.grid,
}


async def by_region(session: ReadSession, region: str) -> list[RegionCompleteness]:
    """Active households and complete ones per child region of `region` (Beijing 7).

    Every child region is listed, those without households with zeros, so a
    spot-check sees the gaps too; a grid is its own only row. Households
    recorded on a community itself (not in one of its grids) count under the
    community's own code. 404 for an unknown region.
    """
    children = await child_region_codes(session, region)
    length = LEVEL_LENGTHS[_NEXT_LEVEL[level_of(region)]]
    child = func.substr(Household.region_code, 1, length)
    rows = await session.execute(
        select(
            child,
            func.count(),
            func.sum(case((Household.complete.is_(True), 1), else_=0)),
        )
        .where(in_subtree(Household.region_code, region), Household.status == "active")
        .group_by(child)
    )
    counted = {code: (int(total), int(done or 0)) for code, total, done in rows}
    codes = sorted({*(children or [region]), *counted})
    return [RegionCompleteness(code, *counted.get(code, (0, 0))) for code in codes]


def share(done: int, total: int) -> str:
    """done / total as a decimal string of 4 places; `0` when there is nothing to count."""
    return str((Decimal(done) / Decimal(total)).quantize(Decimal("0.0001"))) if total else "0"


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    region_code: str
    households: int
    complete: int
    regions: list[RegionCompleteness]


async def report(session: ReadSession, actor: Actor, region: str | None) -> CompletenessReport:
    """The completeness of a region's records, per child region (Beijing 7): the actor's
    own scope by default; a region outside it is not found (a refusal, audited)."""
    scope = actor.principal.scope_region
    code = region or scope
    if code is None:
        raise NotFound("区划", "region")
    if scope is not None and not is_within(code, scope):
        raise NotFound("区划", "region").refusing(region_code=code)
    rows = await by_region(session, code)
    return CompletenessReport(
        region_code=code,
        households=sum(r.households for r in rows),
        complete=sum(r.complete for r in rows),
        regions=rows,
    )
