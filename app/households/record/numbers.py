"""Ledger numbers (一户一档, DOMAIN 4 "one household, one plan, one file"): `500112-2026-000123`.

A number is the district code, the year the household entered the ledger (Asia/Shanghai)
and a sequence per district and year, at least six digits (a seventh appears after
999,999 entries in one district and year, rather than a number running out). It is given
when the household is written, by every creation path (the form and the import both write
through `assign`), and never changes: a household that moves or exits keeps it, and a
number is never given twice.

Numbers come from `ledger_number_counters` in blocks: one `INSERT ... ON CONFLICT DO
UPDATE ... RETURNING` per district and year adds the block's size to the counter and
returns the new last value, atomically, holding the counter's row lock until the
transaction ends. Concurrent creators in one district and year therefore queue on that
row (never `max() + 1`, which two transactions would both read); an import batch of a
thousand households costs one statement per district and year it touches. A transaction
that rolls back gives its block back with its rows, so no number anyone has seen is
reused; the unique index on `households.ledger_number` is the backstop.
"""

import re
from collections import defaultdict
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table

from app.core.clock import SHANGHAI
from app.core.db import WriteSession, dialect_insert
from app.households.models import LedgerNumberCounter

PATTERN = r"^\d{6}-\d{4}-\d{6,}$"
"""What a ledger number looks like (the list filter checks it)."""
_PATTERN = re.compile(PATTERN)
_COUNTERS = cast(Table, LedgerNumberCounter.__table__)


def format_number(district_code: str, year: int, sequence: int) -> str:
    return f"{district_code}-{year:04d}-{sequence:06d}"


def is_ledger_number(value: str) -> bool:
    return _PATTERN.match(value) is not None


def entry_year(created_at: datetime) -> int:
    """The year of entry: the business calendar's (Asia/Shanghai), not UTC's."""
    return created_at.astimezone(SHANGHAI).year


async def take(session: WriteSession, district_code: str, year: int, count: int) -> int:
    """Reserve `count` numbers of a district and year; returns the first sequence number.

    The counter row stays locked until the transaction ends (PostgreSQL's row lock; SQLite
    writers are serial), so the block is this transaction's alone.
    """
    insert = dialect_insert(session, _COUNTERS)
    statement = (
        insert.values(district_code=district_code, year=year, last_value=count)
        .on_conflict_do_update(
            index_elements=[_COUNTERS.c.district_code, _COUNTERS.c.year],
            set_={"last_value": _COUNTERS.c.last_value + insert.excluded.last_value},
        )
        .returning(_COUNTERS.c.last_value)
    )
    last = (await session.execute(statement)).scalar_one()
    return int(last) - count + 1


async def assign(session: WriteSession, households: list[dict[str, Any]]) -> None:
    """Give each new household row (`creation.rows_of_new_household`) its ledger number, in
    the rows' order; one statement per district and year, counters taken in one order
    (district, year) so two writers never wait on each other crosswise."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in households:
        groups[(row["district_code"], entry_year(row["created_at"]))].append(row)
    for (district, year), rows in sorted(groups.items()):
        first = await take(session, district, year, len(rows))
        for offset, row in enumerate(rows):
            row["ledger_number"] = format_number(district, year, first + offset)
