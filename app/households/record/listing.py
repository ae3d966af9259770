"""The household list's queries (DOMAIN 3-4): its filters and sorts, a page of summaries,
and the details of a page read after it is cut (docs/performance.md)."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, Uuid, bindparam, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from app.core.db import ReadSession, plan_with_values
from app.core.pagination import PageRequest, paginate_rows
from app.core.reach import Reach
from app.core.region_codes import in_subtree
from app.households.models import (
    CAUSES,
    NEEDS,
    Household,
    HouseholdCategory,
    HouseholdCode,
    HouseholdPlan,
    HouseholdTargetType,
    Person,
)
from app.households.scope import visible_households

_households = Household.__table__.c
_types = HouseholdTargetType.__table__.c
_categories = HouseholdCategory.__table__.c
_persons = Person.__table__.c


@dataclass(frozen=True, slots=True)
class HouseholdFilters:
    region: str | None = None
    status: str | None = "active"
    target_type: str | None = None
    category: str | None = None
    cause: str | None = None
    need: str | None = None
    complete: bool | None = None
    address: str | None = None
    ledger_number: str | None = None
    paired_worker_id: uuid.UUID | None = None
    """With `paired`: whose pairing to filter by (the caller)."""
    paired: bool | None = None
    """True: paired with `paired_worker_id`; false: not paired with it (or with nobody)."""
    has_plan: bool | None = None
    exit_reason: str | None = None
    head_name: str | None = None
    """The head's name begins with this."""
    sort: str = "created_at"
    """A key of `SORTS`, `-` in front for descending."""


SORTS: dict[str, InstrumentedAttribute[Any]] = {
    "created_at": Household.created_at,
    "updated_at": Household.updated_at,
    "region_code": Household.region_code,
}
"""What the household list sorts by; the id breaks ties, so the order is total and the
cursor (which holds the sort key and the id) stays stable across pages."""


def _has(
    model: type[HouseholdTargetType] | type[HouseholdCategory] | type[HouseholdCode],
    *conditions: ColumnElement[bool],
) -> Any:
    return exists().where(model.household_id == Household.id, *conditions)


_SUMMARY: Select[Any] = select(
    _households.id,
    _households.ledger_number,
    _households.region_code,
    _households.address,
    _households.status,
    _households.complete,
    _households.attention,
    _households.paired_worker_id,
    _households.exit_reason,
    _households.version,
    _households.created_at,
    _households.updated_at,
)
"""What a list shows of a household itself: one statement, no ORM objects."""


async def search(
    session: ReadSession,
    reach: Reach,
    filters: HouseholdFilters,
    page: PageRequest,
    *,
    streets: list[str] | None = None,
) -> tuple[list[Row[Any]], str | None]:
    """A page of households (`_SUMMARY` rows) in the order `filters.sort` names, ties
    broken by id.

    `streets`, when given, further limits the rows to those streets' subtrees.
    """
    stmt = _SUMMARY.where(visible_households(reach, _households.id, _households.region_code))
    if streets is not None:
        stmt = stmt.where(or_(*(in_subtree(_households.region_code, s) for s in streets)))
    if filters.region is not None:
        stmt = stmt.where(in_subtree(_households.region_code, filters.region))
    if filters.status is not None:
        stmt = stmt.where(_households.status == filters.status)
    if filters.complete is not None:
        stmt = stmt.where(_households.complete.is_(filters.complete))
    if filters.target_type is not None:
        stmt = stmt.where(
            _has(HouseholdTargetType, HouseholdTargetType.target_type == filters.target_type)
        )
    if filters.category is not None:
        stmt = stmt.where(_has(HouseholdCategory, HouseholdCategory.category == filters.category))
    if filters.cause is not None:
        stmt = stmt.where(
            _has(HouseholdCode, HouseholdCode.list == CAUSES, HouseholdCode.code == filters.cause)
        )
    if filters.need is not None:
        stmt = stmt.where(
            _has(HouseholdCode, HouseholdCode.list == NEEDS, HouseholdCode.code == filters.need)
        )
    if filters.address is not None:
        stmt = stmt.where(_households.address.contains(filters.address, autoescape=True))
    if filters.ledger_number is not None:
        # Exact, through the unique index: at most one row.
        stmt = stmt.where(_households.ledger_number == filters.ledger_number)
    stmt = _stewardship_filters(stmt, filters)
    # A generic plan, chosen without the filter values, measured 0.5-0.9 s here
    # (docs/performance.md): this statement is planned with its values each time.
    await plan_with_values(session)
    descending = filters.sort.startswith("-")
    key = SORTS[filters.sort.removeprefix("-")]
    order: list[InstrumentedAttribute[Any]] = (
        [Household.id] if key is Household.created_at else [key, Household.id]
    )
    return await paginate_rows(
        session, stmt, order, page, scope=f"households:{filters!r}", descending=descending
    )


def _stewardship_filters(stmt: Select[Any], filters: HouseholdFilters) -> Select[Any]:
    """Pairing, plan, exit reason and the head's name (a prefix: the name index serves it)."""
    if filters.paired is True:
        stmt = stmt.where(_households.paired_worker_id == filters.paired_worker_id)
    elif filters.paired is False:
        stmt = stmt.where(
            or_(
                _households.paired_worker_id.is_(None),
                _households.paired_worker_id != filters.paired_worker_id,
            )
        )
    if filters.has_plan is not None:
        planned = exists().where(HouseholdPlan.household_id == _households.id)
        stmt = stmt.where(planned if filters.has_plan else ~planned)
    if filters.exit_reason is not None:
        stmt = stmt.where(_households.exit_reason == filters.exit_reason)
    if filters.head_name is not None:
        heads = select(_persons.id).where(
            _persons.name.startswith(filters.head_name, autoescape=True)
        )
        stmt = stmt.where(_households.head_person_id.in_(heads))
    return stmt


_PAGE = bindparam("household_ids", expanding=True, type_=Uuid())
_HEAD_NAMES = (
    select(_households.id, _persons.name)
    .join_from(Household.__table__, Person.__table__, _persons.id == _households.head_person_id)
    .where(_households.id.in_(_PAGE))
)
_PAGE_TARGET_TYPES = (
    select(_types.household_id, _types.target_type)
    .where(_types.household_id.in_(_PAGE))
    .order_by(_types.household_id, _types.target_type)
)
_PAGE_CATEGORIES = (
    select(_categories.household_id, _categories.category)
    .where(_categories.household_id.in_(_PAGE))
    .distinct()
    .order_by(_categories.household_id, _categories.category)
)


@dataclass(slots=True)
class PageDetails:
    """Head names, target types and categories of a page's households, read after the page
    is cut: joined inside the page's statement, PostgreSQL may join every match before the
    LIMIT (3,814 head lookups for 51 rows of a rare address, docs/performance.md)."""

    heads: dict[uuid.UUID, str] = field(default_factory=dict)
    target_types: dict[uuid.UUID, list[str]] = field(default_factory=lambda: defaultdict(list))
    categories: dict[uuid.UUID, list[str]] = field(default_factory=lambda: defaultdict(list))


def _page_details(session: Session, household_ids: list[uuid.UUID]) -> PageDetails:
    connection = session.connection()
    parameters = {"household_ids": household_ids}
    details = PageDetails()
    details.heads.update((row[0], row[1]) for row in connection.execute(_HEAD_NAMES, parameters))
    for household_id, target_type in connection.execute(_PAGE_TARGET_TYPES, parameters):
        details.target_types[household_id].append(target_type)
    for household_id, category in connection.execute(_PAGE_CATEGORIES, parameters):
        details.categories[household_id].append(category)
    return details


async def page_details(session: ReadSession, household_ids: list[uuid.UUID]) -> PageDetails:
    """Head names, target types and (distinct) categories of a page of households."""
    if not household_ids:
        return PageDetails()
    return await session.run_sync(_page_details, household_ids)
