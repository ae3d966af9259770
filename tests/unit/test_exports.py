"""Cells a spreadsheet would run as a formula are neutralised in every export (CSV injection)."""

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

from app.core.exports import CSV_BOM, csv_line, csv_stream, safe_cell, xlsx_bytes

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_formula_start_gets_a_quote(start: str) -> None:
    assert safe_cell(start + "1+1") == "'" + start + "1+1"


@pytest.mark.parametrize(
    ("value", "shown"), [(None, ""), (12, "12"), ("张三", "张三"), ("a=b", "a=b")]
)
def test_other_cells_are_kept(value: object, shown: str) -> None:
    assert safe_cell(value) == shown


@given(st.text())
def test_no_safe_cell_starts_a_formula_and_nothing_is_lost(text: str) -> None:
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == text or cell == text


@given(st.lists(st.text(), max_size=5))
def test_a_line_reads_back_as_its_safe_cells(values: list[str]) -> None:
    line = csv_line(values).decode("utf-8")
    parsed = next(csv.reader(io.StringIO(line, newline=""))) if values else []
    assert parsed == [safe_cell(v) for v in values]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(-5, "-5"), (-2.5, "-2.5"), (Decimal("-546.00"), "-546.00"), (0, "0"), (1e-20, "1e-20")],
)
def test_a_negative_number_stays_a_number(value: object, shown: str) -> None:
    assert safe_cell(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("-1+1", "'-1+1"),
        ("-5", "'-5"),
        (float("-inf"), "'-inf"),
        (Decimal("-Infinity"), "'-Infinity"),
        (False, "False"),
    ],
)
def test_text_that_looks_like_a_number_is_still_text(value: object, shown: str) -> None:
    """Only a value that is a number passes unquoted; its text is judged like any text."""
    assert safe_cell(value) == shown


@given(
    st.one_of(
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.decimals(allow_nan=False, allow_infinity=False),
    )
)
def test_a_number_is_written_as_the_number(value: int | float | Decimal) -> None:
    text = safe_cell(value)
    assert Decimal(text) == Decimal(str(value))


def test_every_cell_is_quoted_so_another_separator_cannot_split_it() -> None:
    assert csv_line(["a;=1+1", 5, None]) == b'"a;=1+1","5",""\r\n'


async def _rows(rows: list[list[object]]) -> AsyncIterator[list[object]]:
    for row in rows:
        yield row


def _as_xml_reads(text: str) -> str:
    """XML reads every line end as a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_back(content: bytes) -> list[list[Cell]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=4), min_size=1, max_size=4))
@settings(max_examples=40, deadline=None)
def test_no_xlsx_cell_is_a_formula(rows: list[list[object]]) -> None:
    """Whatever text goes in, each cell comes back as text: the safe cell, less the
    control characters an XLSX cannot hold (and with its line ends as XML reads them)."""
    content = asyncio.run(xlsx_bytes("sheet", _rows(rows)))
    for row, cells in zip(rows, _read_back(content), strict=True):
        for value, cell in zip(row, cells, strict=False):
            assert cell.data_type != "f"
            expected = safe_cell(ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value)))
            assert (cell.value or "") == _as_xml_reads(expected)
            assert not str(cell.value or "").startswith(FORMULA_STARTS)


def test_xlsx_cells_keep_their_types() -> None:
    when = date(2026, 12, 2)
    content = asyncio.run(
        xlsx_bytes("sheet", _rows([[-5, 2.5, Decimal("-1.50"), when, None, "=1+1", "#N/A"]]))
    )
    cells = _read_back(content)[0]
    assert [c.data_type for c in cells] == ["n", "n", "n", "d", "n", "s", "s"]
    assert [c.value for c in cells[:3]] == [-5, 2.5, -1.5]
    assert cells[3].value == datetime(2026, 12, 2)
    assert [c.value for c in cells[5:]] == ["'=1+1", "#N/A"]


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_formula_start_in_xlsx_gets_a_quote(start: str) -> None:
    content = asyncio.run(xlsx_bytes("sheet", _rows([[start + "SUM(A1)"]])))
    cell = _read_back(content)[0][0]
    assert (cell.data_type, cell.value) == ("s", _as_xml_reads("'" + start + "SUM(A1)"))


async def test_a_csv_stream_starts_with_the_bom_even_when_empty() -> None:
    lines = [line async for line in csv_stream(_rows([]))]
    assert lines == [CSV_BOM]
    lines = [line async for line in csv_stream(_rows([["=a"], [1]]))]
    assert lines == [CSV_BOM + b'"\'=a"\r\n', b'"1"\r\n']
