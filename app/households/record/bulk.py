"""Writing new households in bulk: one statement per table per batch (the import's writer).

`service.create` writes one household's rows through the ORM; a batch here
costs about a dozen statements whatever its size (COPY on PostgreSQL). Both
write exactly the rows `creation.rows_of_new_household` builds.
"""

import json
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any, TypeVar, cast

from sqlalchemy import JSON, String, Table, any_, bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError

from app.core.db import ReadSession, WriteSession
from app.households.models import Membership, Person
from app.households.record import numbers
from app.households.record.creation import ROW_MODELS, KnownPerson, LedgerRows

T = TypeVar("T")
_IN_LIST = 900
"""Values per IN list: below SQLite's bound-parameter limit on every build."""


def _chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _lookups(session: ReadSession, indexes: Sequence[str]) -> list[Any]:
    """Conditions on the blind index that together cover `indexes`.

    On PostgreSQL one array parameter (`= ANY`): the statement is the same
    whatever the batch, so it is prepared once. SQLite takes IN lists, in
    chunks under its parameter limit.
    """
    wanted = sorted(set(indexes))
    if not wanted:
        return []
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam("indexes", wanted, type_=ARRAY(String))
        return [Person.id_number_index == any_(array)]
    return [Person.id_number_index.in_(chunk) for chunk in _chunks(wanted, _IN_LIST)]


async def known_persons(session: ReadSession, indexes: Sequence[str]) -> dict[str, KnownPerson]:
    """Persons already in the ledger by blind index, with the region of their active household."""
    active_region = (
        select(Membership.region_code)
        .where(Membership.person_id == Person.id, Membership.active.is_(True))
        .scalar_subquery()
    )
    query = select(Person.id, Person.id_number_index, active_region)
    found: dict[str, KnownPerson] = {}
    for condition in _lookups(session, indexes):
        for person_id, index, region in await session.execute(query.where(condition)):
            found[index] = KnownPerson(person_id, region)
    return found


_PERSONS = cast(Table, Person.__table__)
_TABLES: tuple[tuple[str, Table], ...] = tuple(
    (name, cast(Table, model.__table__)) for name, model in ROW_MODELS
)
_UNIQUE_VIOLATION = "23505"


class Collision(Exception):
    """A unique index refused a row: another request has just enrolled one of the persons."""


async def write(session: WriteSession, rows: LedgerRows) -> None:
    """Insert a batch, parents before children; raise Collision on a unique violation.

    The households get their ledger numbers here, a block per district and year."""
    try:
        await numbers.assign(session, rows.households)
        for name, table in _TABLES:
            await _insert(session, table, getattr(rows, name))
            if name == "persons":
                await _refresh_persons(session, rows.person_updates)
    except IntegrityError as exc:
        raise Collision() from exc
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == _UNIQUE_VIOLATION:
            raise Collision() from exc
        raise


async def _insert(session: WriteSession, table: Table, values: list[dict[str, Any]]) -> None:
    """One multi-row INSERT; on PostgreSQL a binary COPY, several times faster for big batches."""
    if not values:
        return
    if session.get_bind().dialect.name != "postgresql":
        await session.execute(insert(table), values)
        return
    columns = list(values[0])
    cells = itemgetter(*columns)
    records: list[Any] = [cells(row) for row in values]
    as_json = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    if as_json:
        records = [_json_cells(record, as_json) for record in records]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table.name, records=records, columns=columns
    )


def _json_cells(record: tuple[Any, ...], positions: list[int]) -> list[Any]:
    """asyncpg takes `json` values as text."""
    cells = list(record)
    for position in positions:
        cells[position] = json.dumps(cells[position], ensure_ascii=False)
    return cells


async def _refresh_persons(session: WriteSession, updates: list[dict[str, Any]]) -> None:
    """A former member coming back: the person row stays, its details replaced by what the
    file says (the earlier ones stay in the earlier households' history)."""
    for change in updates:
        await session.execute(
            update(_PERSONS)
            .where(_PERSONS.c.id == change["id"])
            .values(
                {k: v for k, v in change.items() if k != "id"} | {"version": _PERSONS.c.version + 1}
            )
        )


async def refresh_statistics(session: WriteSession) -> None:
    """ANALYZE the tables an import grows (PostgreSQL; SQLite's planner needs no statistics).

    A first import fills an empty ledger: with the statistics of an empty
    table the planner scans `persons` whole for every duplicate check and
    the cost grows with each batch.
    """
    if session.get_bind().dialect.name == "postgresql":
        for name in ("persons", "household_members", "households"):
            await session.execute(text(f"ANALYZE {name}"))
