"""Exports: large reads streamed to the client a chunk at a time, as CSV or XLSX a spreadsheet can trust.

A streamed response is still being written after the request's unit of work
has ended, so `stream_read` reads each chunk in a short read transaction of
its own (a `ReadSession`, which refuses to write), continuing from the last
row's key: a slow client never holds a transaction or a connection open.
The checks that decide what the caller may read are made before the
response starts.

Every cell of every export goes through `safe_cell` (CSV, `csv_stream`) or
`xlsx_row` (XLSX, `xlsx_bytes`), which neutralise what a spreadsheet would
run as a formula (CSV injection, OWASP): text beginning with `=`, `+`, `-`,
`@`, tab or carriage return gets a leading `'`. A number stays a number
(a negative number is not a formula); text that merely looks like one does
not (`-1+1` is neutralised).
"""

import csv
import io
import math
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import date, time
from decimal import Decimal
from typing import TypeVar
from urllib.parse import quote

import anyio
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from app.core.db import Database, ReadSession

Row = TypeVar("Row")
Key = TypeVar("Key")

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = "\ufffd"
"""Stands in for the control characters an XLSX cannot hold (a CSV keeps them)."""

CSV_BOM = "\ufeff".encode()
"""Written first, so spreadsheet programs read the file as UTF-8 (Chinese headers and text)."""
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def attachment(name: str) -> str:
    """`Content-Disposition: attachment` naming the file in ASCII and in UTF-8 (RFC 6266)."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def _is_number(value: object) -> bool:
    """A finite number (not a bool): written as such, it is a number to any spreadsheet."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, Decimal) and value.is_finite()


def safe_cell(value: object) -> str:
    """A cell as text that no spreadsheet evaluates: a formula-like text gets a leading `'`.

    A finite number is written as it is (`-5` is the number minus five, not a
    formula); any other value is judged by its text, so the string `-1+1`, or
    the float minus infinity (`-inf`), is quoted.
    """
    text = "" if value is None else str(value)
    if _is_number(value) or not text.startswith(_FORMULA_STARTS):
        return text
    return "'" + text


def csv_line(values: Iterable[object]) -> bytes:
    """One CSV line (UTF-8) of safe cells, every cell quoted.

    Quoting every cell keeps a cell whole where a spreadsheet splits on
    another separator (`a;=1+1` is one cell, not `a` and a formula, in a
    locale whose list separator is `;`).
    """
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerow([safe_cell(v) for v in values])
    return buffer.getvalue().encode("utf-8")


async def csv_stream(rows: AsyncIterable[Iterable[object]]) -> AsyncIterator[bytes]:
    """A CSV document (UTF-8 with BOM) of safe cells, a line per row as the rows come."""
    prefix = CSV_BOM
    async for row in rows:
        yield prefix + csv_line(row)
        prefix = b""
    if prefix:
        yield prefix


def xlsx_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[object]) -> list[Cell | None]:
    """A row for `sheet.append` in which no cell is a formula.

    Numbers, dates and booleans keep their type; anything else becomes text
    through `safe_cell` and is typed as text, so openpyxl neither reads a
    leading `=` as a formula nor `#N/A` as an error value. Control
    characters an XLSX cannot hold are replaced, before the formula check.
    """
    row: list[Cell | None] = []
    for value in values:
        if value is None:
            row.append(None)
        elif _is_number(value) or isinstance(value, bool | date | time):
            # The stub's value type leaves out Decimal, date and time, which openpyxl takes.
            row.append(WriteOnlyCell(sheet, value=value))  # type: ignore[arg-type]
        else:
            text = ILLEGAL_CHARACTERS_RE.sub(_NOT_XML, str(value))
            cell = WriteOnlyCell(sheet, value=safe_cell(text))
            cell.data_type = "s"
            row.append(cell)
    return row


async def xlsx_bytes(title: str, rows: AsyncIterable[Iterable[object]]) -> bytes:
    """A workbook of one sheet of safe cells, written row by row as the rows come
    (openpyxl's write-only mode keeps them on disk, not in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    async for row in rows:
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    await anyio.to_thread.run_sync(workbook.save, buffer)
    return buffer.getvalue()
