"""DOMAIN 4's core fields of a record and the national division codes of a hukou place:
pure rules (app/households/record/rules.py, app/core/region_codes.py)."""

import uuid
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.region_codes import is_division_code
from app.households.record.rules import (
    CoreFacts,
    core_gaps,
    in_income_window,
    previous_months,
)

TODAY = date(2026, 12, 2)


def full(today: date = TODAY, **changes: object) -> CoreFacts:
    values: dict[str, object] = {
        "today": today,
        "region_code": "500112001001001",
        "hukou_region_code": "500112",
        "hukou_type": "urban",
        "settled_since": date(2010, 3, 1),
        "has_plan": True,
        "paired_worker_id": uuid.uuid4(),
        "income_months": frozenset(previous_months(today)),
    }
    values.update(changes)
    return CoreFacts(**values)  # type: ignore[arg-type]


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2999, 12, 31)))
def test_the_window_is_the_12_calendar_months_before_the_current_one(today: date) -> None:
    months = previous_months(today)
    assert len(months) == 12 == len(set(months))
    assert all(m.day == 1 for m in months)
    assert months == sorted(months)
    assert months[-1] < today.replace(day=1)
    last = months[-1]
    assert (today.year * 12 + today.month) - (last.year * 12 + last.month) == 1
    assert (last.year * 12 + last.month) - (months[0].year * 12 + months[0].month) == 11


def test_january_reaches_back_into_the_previous_year() -> None:
    assert previous_months(date(2027, 1, 31))[0] == date(2026, 1, 1)
    assert previous_months(date(2027, 1, 31))[-1] == date(2026, 12, 1)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2999, 12, 31)))
def test_a_record_with_every_core_field_has_no_core_gap(today: date) -> None:
    assert core_gaps(full(today)) == []


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2999, 12, 31)), st.data())
def test_each_missing_month_is_named_and_eleven_are_not_enough(
    today: date, data: st.DataObject
) -> None:
    window = previous_months(today)
    dropped = data.draw(st.sets(st.sampled_from(window), min_size=1))
    facts = full(today, income_months=frozenset(set(window) - dropped))
    assert core_gaps(facts) == [f"incomes.{m:%Y-%m}" for m in sorted(dropped)]


def test_the_current_month_and_older_months_do_not_stand_in() -> None:
    window = previous_months(TODAY)
    months = frozenset({*window[1:], date(2026, 12, 1), date(2025, 11, 1)})
    assert core_gaps(full(income_months=months)) == ["incomes.2025-12"]


@given(
    st.dates(min_value=date(1901, 1, 1), max_value=date(2999, 12, 31)),
    st.integers(min_value=1, max_value=40),
    st.data(),
)
def test_moving_the_window_gives_the_gaps_a_computation_on_that_day_gives(
    earlier: date, months_later: int, data: st.DataObject
) -> None:
    """What the monthly upkeep stores (the gaps computed on an earlier day, their income part
    moved to `later`) is what a full computation on `later` gives."""
    index = earlier.year * 12 + earlier.month - 1 + months_later
    later = date(index // 12, index % 12 + 1, 1)
    held = data.draw(st.sets(st.sampled_from(previous_months(earlier) + previous_months(later))))
    others = data.draw(st.sets(st.sampled_from(["plan", "needs", "members.x.health"])))
    stored = sorted({*others, *core_gaps(full(earlier, has_plan=True, income_months=held))})

    moved = in_income_window(stored, later, held)

    assert moved == sorted({*others, *core_gaps(full(later, income_months=frozenset(held)))})
    assert in_income_window(moved, later, held) == moved


@pytest.mark.parametrize(
    ("changes", "gap"),
    [
        ({"region_code": "500112001001"}, "region_code.grid"),
        ({"hukou_region_code": None}, "hukou_region_code"),
        ({"hukou_type": None}, "hukou_type"),
        ({"settled_since": None}, "settled_since"),
        ({"has_plan": False}, "plan"),
        ({"paired_worker_id": None}, "paired_worker_id"),
    ],
)
def test_each_core_field_is_named(changes: dict[str, object], gap: str) -> None:
    assert core_gaps(full(**changes)) == [gap]


@pytest.mark.parametrize(
    "code", ["500112", "500112001", "500112001001", "110105", "820000", "710000", "659000"]
)
def test_division_codes_of_real_provinces(code: str) -> None:
    assert is_division_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "000000",
        "990000",
        "100000",
        "500112000",
        "500112001000",
        "500000001",
        "50011200",
        "500112001001001",
        "5001１2",
    ],
)
def test_codes_that_name_no_division(code: str) -> None:
    assert not is_division_code(code)


@given(st.text(alphabet="0123456789", min_size=0, max_size=16))
def test_a_division_code_is_6_9_or_12_digits_of_a_province(code: str) -> None:
    if is_division_code(code):
        assert len(code) in (6, 9, 12)
        assert 11 <= int(code[:2]) <= 82
