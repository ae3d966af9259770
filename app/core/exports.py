"""Exports: large reads streamed to the client a chunk at a time, as CSV a spreadsheet can trust.

A streamed response is still being written after the request's unit of work
has ended, so `stream_read` reads each chunk in a short read transaction of
its own (a `ReadSession`, which refuses to write), continuing from the last
row's key: a slow client never holds a transaction or a connection open.
The checks that decide what the caller may read are made before the
response starts; `csv_line` neutralises cells a spreadsheet would run as a
formula (CSV injection: leading `=`, `+`, `-`, `@`, tab or carriage return).
"""

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from typing import TypeVar

from app.core.db import Database, ReadSession

Row = TypeVar("Row")
Key = TypeVar("Key")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


async def stream_read(
    database: Database,
    read_chunk: Callable[[ReadSession, Key | None, int], Awaitable[Sequence[Row]]],
    key_of: Callable[[Row], Key],
    *,
    chunk: int = 1000,
) -> AsyncIterator[Row]:
    """Every row `read_chunk` gives, chunk after chunk (keyset: each chunk starts after the
    key of the last row read), each chunk in its own short read transaction."""
    after: Key | None = None
    while True:
        async with database.read_sessionmaker() as session:
            rows = await read_chunk(session, after, chunk)
        for row in rows:
            yield row
        if len(rows) < chunk:
            return
        after = key_of(rows[-1])


def safe_cell(value: object) -> str:
    """A cell as text that no spreadsheet evaluates: a formula-like text gets a leading `'`."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_line(values: Iterable[object]) -> bytes:
    """One CSV line (UTF-8) of safe cells."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(v) for v in values])
    return buffer.getvalue().encode("utf-8")


CSV_BOM = "\ufeff".encode()
"""Written first, so spreadsheet programs read the file as UTF-8 (Chinese headers and text)."""
