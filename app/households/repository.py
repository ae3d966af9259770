"""Queries of the household record; every one applies the caller's jurisdiction."""

import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Row,
    Uuid,
    bindparam,
    cast,
    delete,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Exists, Select

from app.core import direct
from app.core.db import ReadSession
from app.core.direct import DirectStatement
from app.core.pagination import PageRequest, paginate_rows
from app.core.reach import Reach, ReachShape
from app.core.region_codes import in_subtree
from app.core.types import UTCDateTime
from app.households.models import (
    Household,
    HouseholdCategory,
    HouseholdCode,
    HouseholdTargetType,
)
from app.households.person_models import Membership, Person
from app.households.scope import reach_template, reach_values, visible_households

CAUSES = "cause"
NEEDS = "need"

_households = Household.__table__.c
_codes = HouseholdCode.__table__.c
_types = HouseholdTargetType.__table__.c
_categories = HouseholdCategory.__table__.c
_members = Membership.__table__.c
_persons = Person.__table__.c
_HOUSEHOLD = bindparam("household_id", type_=Uuid())


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


@functools.cache
def _visible_by_id(shape: ReachShape, for_update: bool) -> Select[Household] | None:
    condition = reach_template(shape, Household.id, Household.region_code)
    if condition is None:
        return None
    stmt = select(Household).where(Household.id == _HOUSEHOLD, condition)
    return stmt.with_for_update() if for_update else stmt


@functools.cache
def _visible_row_by_id(shape: ReachShape) -> DirectStatement | None:
    condition = reach_template(shape, _households.id, _households.region_code)
    if condition is None:
        return None
    return DirectStatement(select(*_households).where(_households.id == _HOUSEHOLD, condition))


async def get_visible(
    session: AsyncSession,
    reach: Reach,
    household_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> Household | None:
    """The household if the actor's reach holds it; one prebuilt statement per shape."""
    stmt = _visible_by_id(reach.shape, for_update)
    if stmt is None:
        ad_hoc = select(Household).where(
            Household.id == household_id,
            visible_households(reach, Household.id, Household.region_code),
        )
        return (await session.execute(ad_hoc)).scalar_one_or_none()
    found = await session.execute(stmt, {"household_id": household_id, **reach_values(reach)})
    return found.scalar_one_or_none()


async def read_visible(
    session: ReadSession, reach: Reach, household_id: uuid.UUID
) -> tuple[Any, "RecordRows"] | None:
    """A whole record for a read, if the actor's reach holds it: the household's
    columns as a row and its `RecordRows`, three prebuilt statements in one read
    transaction of the session's engine (`core.direct`: on PostgreSQL below
    SQLAlchemy's engine layer), no ORM objects. It sees only what is committed."""
    values = reach_values(reach)
    parameters = {"household_id": household_id}
    engine = session.bind
    assert isinstance(engine, AsyncEngine)
    by_id = _visible_row_by_id(reach.shape)
    if by_id is None:
        by_id = DirectStatement(
            select(*_households).where(
                _households.id == _HOUSEHOLD,
                visible_households(reach, _households.id, _households.region_code),
            )
        )
    async with direct.transaction(engine, commit=False) as connection:
        household = await connection.first(by_id, {**parameters, **values})
        if household is None:
            return None
        lists = await connection.all(_DIRECT_LISTS, parameters)
        members = await connection.all(_DIRECT_MEMBERS, parameters)
    return household, _grouped(lists, members)


async def exists_anywhere(session: AsyncSession, household_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Household.id == household_id))))


async def target_types(session: AsyncSession, household_id: uuid.UUID) -> list[HouseholdTargetType]:
    rows = await session.execute(
        select(HouseholdTargetType)
        .where(HouseholdTargetType.household_id == household_id)
        .order_by(HouseholdTargetType.target_type)
    )
    return list(rows.scalars())


async def categories(session: AsyncSession, household_id: uuid.UUID) -> list[HouseholdCategory]:
    rows = await session.execute(
        select(HouseholdCategory)
        .where(HouseholdCategory.household_id == household_id)
        .order_by(HouseholdCategory.category, HouseholdCategory.subtype, HouseholdCategory.id)
    )
    return list(rows.scalars())


async def codes(session: AsyncSession, household_id: uuid.UUID) -> dict[str, list[str]]:
    rows = await session.execute(
        select(HouseholdCode.list, HouseholdCode.code)
        .where(HouseholdCode.household_id == household_id)
        .order_by(HouseholdCode.list, HouseholdCode.code)
    )
    found: dict[str, list[str]] = defaultdict(list)
    for name, code in rows:
        found[name].append(code)
    return found


async def members(
    session: AsyncSession, household_id: uuid.UUID
) -> list[tuple[Membership, Person]]:
    rows = await session.execute(
        select(Membership, Person)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.household_id == household_id, Membership.active.is_(True))
        .order_by(Membership.joined_on, Membership.id)
    )
    return [(m, p) for m, p in rows]


# The read of a record runs on every GET, so its two statements are built
# once: SQLAlchemy then reuses their compiled form, and no ORM object is made.
_RECORD_LISTS = union_all(
    select(
        literal("code").label("kind"),
        _codes.list.label("a"),
        _codes.code.label("b"),
        cast(null(), Uuid()).label("ref"),
        cast(null(), UTCDateTime()).label("at"),
        cast(null(), Uuid()).label("row_id"),
    ).where(_codes.household_id == _HOUSEHOLD),
    select(
        literal("target_type"),
        _types.target_type,
        _types.source,
        _types.assessment_id,
        _types.recorded_at,
        null(),
    ).where(_types.household_id == _HOUSEHOLD),
    select(
        literal("category"),
        _categories.category,
        _categories.subtype,
        _categories.person_id,
        null(),
        _categories.id,
    ).where(_categories.household_id == _HOUSEHOLD),
).order_by("kind", "a", "b", "row_id")
"""Codes by (list, code), target types by type, categories by (category, subtype, id)."""

_MEMBER_ROWS = (
    select(
        _members.relation_to_head,
        _members.joined_on,
        *Person.__table__.c,
    )
    .join_from(Membership.__table__, Person.__table__, _persons.id == _members.person_id)
    .where(_members.household_id == _HOUSEHOLD, _members.active.is_(True))
    .order_by(_members.joined_on, _members.id)
)


@dataclass(slots=True)
class RecordRows:
    """A household's codes, target types, categories and active members, each in display order.

    Target type rows carry `a` (type), `b` (source), `ref` (assessment id)
    and `at` (recorded at); category rows `a` (category), `b` (subtype) and
    `ref` (person id). A member row carries its membership's relation and
    joining date and its person's columns.
    """

    codes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    target_types: list[Any] = field(default_factory=list)
    categories: list[Any] = field(default_factory=list)
    members: Sequence[Any] = ()


_DIRECT_LISTS = DirectStatement(_RECORD_LISTS)
_DIRECT_MEMBERS = DirectStatement(_MEMBER_ROWS)


async def record_rows(session: AsyncSession, household_id: uuid.UUID) -> RecordRows:
    """Everything of a record besides the household row, in two statements, on the
    session's own transaction (a write's flushed changes included).

    Both run in one hop into SQLAlchemy's sync layer (`run_sync`) rather than
    one each.
    """
    return await session.run_sync(_record_rows, household_id)


def _record_rows(session: Session, household_id: uuid.UUID) -> RecordRows:
    connection = session.connection()
    parameters = {"household_id": household_id}
    return _grouped(
        connection.execute(_RECORD_LISTS, parameters).all(),
        connection.execute(_MEMBER_ROWS, parameters).all(),
    )


def _grouped(lists: Sequence[Any], members: Sequence[Any]) -> RecordRows:
    found = RecordRows(members=members)
    for row in lists:
        if row.kind == "code":
            found.codes[row.a].append(row.b)
        elif row.kind == "target_type":
            found.target_types.append(row)
        else:
            found.categories.append(row)
    return found


async def member_rows(session: AsyncSession, household_id: uuid.UUID) -> Sequence[Row[Any]]:
    """Active members, each row its membership's relation and joining date and its person's columns."""
    connection = await session.connection()
    return (await connection.execute(_MEMBER_ROWS, {"household_id": household_id})).all()


async def replace_codes(
    session: AsyncSession, household_id: uuid.UUID, name: str, values: list[str]
) -> None:
    await session.execute(
        delete(HouseholdCode).where(
            HouseholdCode.household_id == household_id, HouseholdCode.list == name
        )
    )
    session.add_all(HouseholdCode(household_id=household_id, list=name, code=v) for v in values)


async def replace_target_types(
    session: AsyncSession, household_id: uuid.UUID, kept: set[str], added: list[HouseholdTargetType]
) -> None:
    await session.execute(
        delete(HouseholdTargetType).where(
            HouseholdTargetType.household_id == household_id,
            HouseholdTargetType.target_type.not_in(kept),
        )
    )
    session.add_all(added)


async def replace_categories(
    session: AsyncSession, household_id: uuid.UUID, rows: list[HouseholdCategory]
) -> None:
    await session.execute(
        delete(HouseholdCategory).where(HouseholdCategory.household_id == household_id)
    )
    session.add_all(rows)


def _has(
    model: type[HouseholdTargetType] | type[HouseholdCategory] | type[HouseholdCode],
    *conditions: ColumnElement[bool],
) -> Exists:
    return exists().where(model.household_id == Household.id, *conditions)


_SUMMARY = select(
    _households.id,
    _households.region_code,
    _households.address,
    _households.status,
    _households.complete,
    _households.attention,
    _households.version,
    _households.updated_at,
)
"""What a list shows of a household itself: one statement, no ORM objects."""

_PAGE = bindparam("household_ids", expanding=True, type_=Uuid())
_PAGE_DETAILS = union_all(
    select(
        _households.id.label("household_id"),
        literal("head").label("kind"),
        _persons.name.label("value"),
    )
    .join_from(Household.__table__, Person.__table__, _persons.id == _households.head_person_id)
    .where(_households.id.in_(_PAGE)),
    select(_types.household_id, literal("target_type"), _types.target_type).where(
        _types.household_id.in_(_PAGE)
    ),
    select(_categories.household_id, literal("category"), _categories.category)
    .where(_categories.household_id.in_(_PAGE))
    .distinct(),
).order_by("value")
"""Head names, target types and categories of a page, joined after the page is cut:
joined inside the page's statement, PostgreSQL may join every match before the
LIMIT (3,814 head lookups for 51 rows of a rare address, docs/performance.md)."""


@dataclass(slots=True)
class PageDetails:
    heads: dict[uuid.UUID, str] = field(default_factory=dict)
    target_types: dict[uuid.UUID, list[str]] = field(default_factory=lambda: defaultdict(list))
    categories: dict[uuid.UUID, list[str]] = field(default_factory=lambda: defaultdict(list))


async def search(
    session: AsyncSession,
    reach: Reach,
    filters: HouseholdFilters,
    page: PageRequest,
    *,
    streets: list[str] | None = None,
) -> tuple[list[Row[Any]], str | None]:
    """A page of households (`_SUMMARY` rows) in id order.

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
    return await paginate_rows(session, stmt, [Household.id], page, scope=f"households:{filters!r}")


async def page_details(session: AsyncSession, household_ids: list[uuid.UUID]) -> PageDetails:
    """Head names, target types and (distinct) categories of a page of households, in one statement."""
    details = PageDetails()
    if not household_ids:
        return details
    connection = await session.connection()
    for row in await connection.execute(_PAGE_DETAILS, {"household_ids": household_ids}):
        if row.kind == "head":
            details.heads[row.household_id] = row.value
        elif row.kind == "target_type":
            details.target_types[row.household_id].append(row.value)
        else:
            details.categories[row.household_id].append(row.value)
    return details


async def count_active_members(session: AsyncSession, household_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.household_id == household_id, Membership.active.is_(True))
        )
        or 0
    )


async def drop_person_categories(
    session: AsyncSession, household_id: uuid.UUID, person_id: uuid.UUID
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
