"""Queries of the household record: the record with its lists and members, the list page.

The read of one record runs on every GET of the ledger, so its statements
are built once (SQLAlchemy then reuses their compiled form) and run in one
hop into SQLAlchemy's synchronous layer (`run_sync`), on the session's own
connection: rows, not ORM objects (docs/performance.md).
"""

import functools
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Row, Select, Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from app.core.db import ReadSession, WriteSession, json_rows
from app.core.reach import Reach, ReachShape
from app.core.region_codes import in_subtree
from app.households.models import (
    Household,
    HouseholdCategory,
    HouseholdCode,
    HouseholdTargetType,
    Membership,
    Person,
    TargetTypeDecision,
)
from app.households.record import numbers
from app.households.record.creation import ROW_MODELS, LedgerRows
from app.households.repository import HOUSEHOLD_ID
from app.households.scope import reach_template, reach_values, visible_households

_households = Household.__table__.c
_codes = HouseholdCode.__table__.c
_types = HouseholdTargetType.__table__.c
_decisions = TargetTypeDecision.__table__.c
_categories = HouseholdCategory.__table__.c
_members = Membership.__table__.c
_persons = Person.__table__.c


_CODES = (
    select(_codes.list, _codes.code)
    .where(_codes.household_id == HOUSEHOLD_ID)
    .order_by(_codes.list, _codes.code)
)
MEMBER_ROWS = (
    select(_members.relation_to_head, _members.joined_on, *Person.__table__.c)
    .join_from(Membership.__table__, Person.__table__, _persons.id == _members.person_id)
    .where(_members.household_id == HOUSEHOLD_ID, _members.active.is_(True))
    .order_by(_members.joined_on, _members.id)
)
"""Active members: each row is a membership's relation and joining date with its person's columns."""


class TargetTypeRow(NamedTuple):
    """A type the household holds and the decision it holds it by."""

    target_type: str
    decision_id: uuid.UUID
    source: str
    deciding_body: str | None
    decided_on: date | None
    reference: str | None
    ends_on: date | None
    assessment_id: uuid.UUID | None
    recorded_by: uuid.UUID | None
    recorded_at: datetime


class CategoryRow(NamedTuple):
    category: str
    subtype: str | None
    person_id: uuid.UUID | None


@dataclass(slots=True)
class RecordRows:
    """A household's codes by list, target types, categories and active members, in display order."""

    codes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    target_types: Sequence[TargetTypeRow] = ()
    categories: Sequence[CategoryRow] = ()
    members: Sequence[Any] = ()


def _uuid(value: str | None) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value[:10])


def _utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _lists(
    codes: list[list[Any]], types: list[list[Any]], categories: list[list[Any]]
) -> RecordRows:
    """The record's lists from their JSON form (`json_rows`), sorted as the record shows them:
    codes by (list, code), target types by type, categories by (category, subtype, id)."""
    found = RecordRows(
        target_types=[
            TargetTypeRow(
                t,
                uuid.UUID(decision),
                source,
                body,
                _date(decided),
                reference,
                _date(ends),
                _uuid(assessment),
                _uuid(by),
                _utc(at),
            )
            for t, decision, source, body, decided, reference, ends, assessment, by, at in sorted(
                types, key=lambda r: r[0]
            )
        ],
        categories=[
            CategoryRow(c, subtype, _uuid(person))
            for c, subtype, person, _ in sorted(
                categories, key=lambda r: (r[0], r[1] or "", uuid.UUID(r[3]))
            )
        ],
    )
    for name, code in sorted(codes):
        found.codes[name].append(code)
    return found


_LISTS = (
    select(json_rows(_codes.list, _codes.code))
    .where(_codes.household_id == _households.id)
    .scalar_subquery()
    .label("codes"),
    select(
        json_rows(
            _types.target_type,
            _decisions.id,
            _decisions.source,
            _decisions.deciding_body,
            _decisions.decided_on,
            _decisions.reference,
            _decisions.ends_on,
            _decisions.assessment_id,
            _decisions.recorded_by,
            _decisions.recorded_at,
        )
    )
    .join_from(HouseholdTargetType.__table__, TargetTypeDecision.__table__)
    .where(_types.household_id == _households.id)
    .scalar_subquery()
    .label("target_types"),
    select(
        json_rows(_categories.category, _categories.subtype, _categories.person_id, _categories.id)
    )
    .where(_categories.household_id == _households.id)
    .scalar_subquery()
    .label("categories"),
)
"""A household's codes, target types and categories, as JSON lists beside its columns: the
record comes in two statements (this one and its members) instead of five."""


def _record_rows(session: Session, household_id: uuid.UUID) -> RecordRows:
    connection = session.connection()
    parameters = {"household_id": household_id}
    codes, types, categories = connection.execute(_LISTS_OF, parameters).one()
    found = _lists(codes, types, categories)
    found.members = connection.execute(MEMBER_ROWS, parameters).all()
    return found


_LISTS_OF = select(*_LISTS).where(_households.id == HOUSEHOLD_ID)


async def record_rows(session: ReadSession, household_id: uuid.UUID) -> RecordRows:
    """Everything of a record besides the household row, on the session's own transaction
    (a write's flushed changes included)."""
    return await session.run_sync(_record_rows, household_id)


@functools.cache
def _row_by_id(shape: ReachShape) -> Select[Any] | None:
    condition = reach_template(shape, _households.id, _households.region_code)
    if condition is None:
        return None
    return select(*_households, *_LISTS).where(_households.id == HOUSEHOLD_ID, condition)


def _read_visible(
    session: Session, reach: Reach, household_id: uuid.UUID
) -> tuple[Row[Any], RecordRows] | None:
    by_id = _row_by_id(reach.shape)
    if by_id is None:
        by_id = select(*_households, *_LISTS).where(
            _households.id == HOUSEHOLD_ID,
            visible_households(reach, _households.id, _households.region_code),
        )
    parameters = {"household_id": household_id, **reach_values(reach)}
    connection = session.connection()
    household = connection.execute(by_id, parameters).first()
    if household is None:
        return None
    found = _lists(household.codes, household.target_types, household.categories)
    found.members = connection.execute(MEMBER_ROWS, {"household_id": household_id}).all()
    return household, found


async def read_visible(
    session: ReadSession, reach: Reach, household_id: uuid.UUID
) -> tuple[Row[Any], RecordRows] | None:
    """A whole record for a read, if the reach holds it: the household's columns and lists
    as one row, and its members; two prebuilt statements in one hop, no ORM objects."""
    return await session.run_sync(_read_visible, reach, household_id)


async def categories(session: ReadSession, household_id: uuid.UUID) -> list[HouseholdCategory]:
    rows = await session.execute(
        select(HouseholdCategory)
        .where(HouseholdCategory.household_id == household_id)
        .order_by(HouseholdCategory.category, HouseholdCategory.subtype, HouseholdCategory.id)
    )
    return list(rows.scalars())


async def codes(session: ReadSession, household_id: uuid.UUID) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for name, code in await session.execute(_CODES, {"household_id": household_id}):
        found[name].append(code)
    return found


async def members(session: ReadSession, household_id: uuid.UUID) -> list[tuple[Membership, Person]]:
    rows = await session.execute(
        select(Membership, Person)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.household_id == household_id, Membership.active.is_(True))
        .order_by(Membership.joined_on, Membership.id)
    )
    return [(m, p) for m, p in rows]


async def count_in_region(session: ReadSession, reach: Reach, region_code: str) -> int:
    """Households of a region's subtree within a reach, in any state."""
    found = await session.scalar(
        select(func.count()).where(
            in_subtree(_households.region_code, region_code),
            visible_households(reach, _households.id, _households.region_code),
        )
    )
    return int(found or 0)


async def add_new_household(session: WriteSession, rows: LedgerRows) -> Household:
    """The rows of one new household (`creation.rows_of_new_household`) through the ORM:
    persons first, then the household (with its ledger number), then what refers to it."""
    household: Household | None = None
    await numbers.assign(session, rows.households)
    for name, model in ROW_MODELS:
        objects = [model(**row) for row in getattr(rows, name)]
        session.add_all(objects)
        if name == "persons":
            for change in rows.person_updates:
                person = await session.get(Person, change["id"])
                assert person is not None
                for field_name, value in change.items():
                    setattr(person, field_name, value)
                person.version += 1
            await session.flush()
        elif name == "households":
            (household,) = objects
            await session.flush()
        elif name == "decisions" and objects:
            # The current types point at their decisions: the ORM orders inserts by
            # relationships, and these tables have none between them.
            await session.flush()
    await session.flush()
    assert isinstance(household, Household)
    return household


async def replace_codes(
    session: WriteSession, household_id: uuid.UUID, name: str, values: list[str]
) -> None:
    await session.execute(
        delete(HouseholdCode).where(
            HouseholdCode.household_id == household_id, HouseholdCode.list == name
        )
    )
    session.add_all(HouseholdCode(household_id=household_id, list=name, code=v) for v in values)


async def replace_categories(
    session: WriteSession, household_id: uuid.UUID, rows: list[HouseholdCategory]
) -> None:
    await session.execute(
        delete(HouseholdCategory).where(HouseholdCategory.household_id == household_id)
    )
    session.add_all(rows)


async def stored_completeness(
    session: ReadSession, after: uuid.UUID | None, limit: int
) -> list[tuple[uuid.UUID, list[str]]]:
    """(id, missing_fields) of up to `limit` households in id order, after `after`."""
    query = select(_households.id, _households.missing_fields).order_by(_households.id)
    if after is not None:
        query = query.where(_households.id > after)
    rows = await session.execute(query.limit(limit))
    return [(household_id, list(missing or [])) for household_id, missing in rows]


_STORE_COMPLETENESS = (
    update(cast(Table, Household.__table__))
    .where(_households.id == bindparam("household_id"))
    # Kept as it was: a completeness the calendar moved is no change of the record, and
    # the list's "latest changes first" must not put every household on top.
    .values(
        complete=bindparam("now_complete"),
        missing_fields=bindparam("now_missing"),
        updated_at=_households.updated_at,
    )
)


async def store_completeness(
    session: WriteSession, found: Sequence[tuple[uuid.UUID, list[str]]]
) -> None:
    """Write (id, missing_fields) pairs and the `complete` they mean, in one statement."""
    if found:
        await session.execute(
            _STORE_COMPLETENESS,
            [
                {"household_id": i, "now_complete": not missing, "now_missing": missing}
                for i, missing in found
            ],
        )
