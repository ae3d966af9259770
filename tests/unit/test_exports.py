"""Cells a spreadsheet would run as a formula are neutralised in every export (CSV injection)."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.exports import csv_line, safe_cell

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
