"""Working days on the official PRC calendar: sources, provisional days, arithmetic."""

from datetime import date, timedelta

import chinese_calendar
import pytest
from chinese_calendar import constants as cn_constants
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.calendar import (
    PACKAGE_YEARS,
    DaySource,
    Override,
    WorkingCalendar,
    WorkingDate,
    WorkingDayCount,
)

LAST_PACKAGE_YEAR = max(PACKAGE_YEARS)
UNKNOWN_YEAR = LAST_PACKAGE_YEAR + 1  # 2027 with chinesecalendar 1.11

PLAIN = WorkingCalendar({}, frozenset())
NATIONAL_DAY_2026 = date(2026, 10, 1)


def _first_weekday(year: int, weekday: int) -> date:
    day = date(year, 1, 1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def _national_day_2026_block() -> list[date]:
    """The consecutive days off around 2026-10-01, as the package lists them."""
    start = NATIONAL_DAY_2026
    while not chinese_calendar.is_workday(start - timedelta(days=1)):
        start -= timedelta(days=1)
    end = NATIONAL_DAY_2026
    while not chinese_calendar.is_workday(end + timedelta(days=1)):
        end += timedelta(days=1)
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _exchanged_sunday_2026() -> date:
    """The Sunday before National Day 2026, worked in exchange (调休) per the package."""
    sundays = sorted(
        d for d in cn_constants.workdays if (d.year, d.month) == (2026, 9) and d.weekday() == 6
    )
    assert sundays, "chinesecalendar lists no worked Sunday in September 2026"
    return sundays[0]


def test_package_covers_2004_to_2026() -> None:
    assert (PACKAGE_YEARS.start, PACKAGE_YEARS.stop) == (2004, 2027)


class TestDescribe:
    def test_national_day_is_not_a_working_day(self) -> None:
        info = PLAIN.describe(NATIONAL_DAY_2026)
        assert info.day == NATIONAL_DAY_2026
        assert info.is_working_day is False
        assert info.provisional is False
        assert info.source is DaySource.package

    def test_national_day_carries_the_holiday_name(self) -> None:
        assert PLAIN.describe(NATIONAL_DAY_2026).name == "National Day"

    def test_exchanged_sunday_is_a_working_day(self) -> None:
        sunday = _exchanged_sunday_2026()
        assert sunday == date(2026, 9, 20)
        info = PLAIN.describe(sunday)
        assert info.is_working_day is True
        assert info.provisional is False
        assert info.source is DaySource.package
        assert PLAIN.is_working_day(sunday) is True

    def test_exchanged_saturday_after_national_day_is_a_working_day(self) -> None:
        saturday = date(2026, 10, 10)
        assert saturday.weekday() == 5
        assert PLAIN.is_working_day(saturday) is True

    def test_monday_before_national_day_is_a_working_day(self) -> None:
        info = PLAIN.describe(date(2026, 9, 28))
        assert info.is_working_day is True
        assert info.source is DaySource.package
        assert info.name is None

    def test_weekend_day_without_exchange_is_not_a_working_day(self) -> None:
        info = PLAIN.describe(date(2026, 3, 7))  # a plain Saturday
        assert info.is_working_day is False
        assert info.source is DaySource.package

    def test_saturday_of_an_unknown_year_is_provisional_and_off(self) -> None:
        saturday = _first_weekday(UNKNOWN_YEAR, 5)
        info = PLAIN.describe(saturday)
        assert info.is_working_day is False
        assert info.provisional is True
        assert info.source is DaySource.weekday_rule
        assert info.name is None

    def test_monday_of_an_unknown_year_is_provisional_and_working(self) -> None:
        info = PLAIN.describe(_first_weekday(UNKNOWN_YEAR, 0))
        assert info.is_working_day is True
        assert info.provisional is True
        assert info.source is DaySource.weekday_rule

    def test_year_before_the_package_follows_the_weekday_rule(self) -> None:
        info = PLAIN.describe(date(2003, 10, 1))  # a Wednesday
        assert info.is_working_day is True
        assert info.provisional is True
        assert info.source is DaySource.weekday_rule

    def test_loaded_year_days_are_not_provisional(self) -> None:
        calendar = WorkingCalendar({}, frozenset({UNKNOWN_YEAR}))
        saturday = _first_weekday(UNKNOWN_YEAR, 5)
        monday = _first_weekday(UNKNOWN_YEAR, 0)
        off, on = calendar.describe(saturday), calendar.describe(monday)
        assert (off.is_working_day, off.provisional, off.source) == (
            False,
            False,
            DaySource.loaded_year,
        )
        assert (on.is_working_day, on.provisional, on.source) == (
            True,
            False,
            DaySource.loaded_year,
        )

    def test_loaded_year_takes_precedence_over_the_package(self) -> None:
        calendar = WorkingCalendar({}, frozenset({2026}))
        info = calendar.describe(NATIONAL_DAY_2026)
        assert info.source is DaySource.loaded_year
        assert info.is_working_day is True  # a Thursday; holidays come as overrides

    def test_override_wins_over_the_package(self) -> None:
        calendar = WorkingCalendar({NATIONAL_DAY_2026: Override(True, "补班")}, frozenset())
        info = calendar.describe(NATIONAL_DAY_2026)
        assert info.is_working_day is True
        assert info.provisional is False
        assert info.source is DaySource.override
        assert info.name == "补班"

    def test_override_wins_over_a_loaded_year(self) -> None:
        monday = _first_weekday(UNKNOWN_YEAR, 0)
        calendar = WorkingCalendar({monday: Override(False, "元旦")}, frozenset({UNKNOWN_YEAR}))
        info = calendar.describe(monday)
        assert (info.is_working_day, info.provisional, info.source, info.name) == (
            False,
            False,
            DaySource.override,
            "元旦",
        )

    def test_override_wins_over_the_weekday_rule(self) -> None:
        saturday = _first_weekday(UNKNOWN_YEAR, 5)
        calendar = WorkingCalendar({saturday: Override(True)}, frozenset())
        info = calendar.describe(saturday)
        assert (info.is_working_day, info.provisional, info.source, info.name) == (
            True,
            False,
            DaySource.override,
            None,
        )

    def test_calendar_copies_the_overrides(self) -> None:
        overrides = {NATIONAL_DAY_2026: Override(True)}
        calendar = WorkingCalendar(overrides, frozenset())
        overrides.clear()
        assert calendar.is_working_day(NATIONAL_DAY_2026) is True


class TestIsKnownYear:
    def test_package_years_are_known(self) -> None:
        assert PLAIN.is_known_year(2004) is True
        assert PLAIN.is_known_year(2026) is True

    def test_years_outside_the_package_are_unknown(self) -> None:
        assert PLAIN.is_known_year(2003) is False
        assert PLAIN.is_known_year(UNKNOWN_YEAR) is False

    def test_loaded_year_is_known(self) -> None:
        assert WorkingCalendar({}, frozenset({UNKNOWN_YEAR})).is_known_year(UNKNOWN_YEAR)


class TestMissingYears:
    def test_lists_only_unknown_years(self) -> None:
        calendar = WorkingCalendar({}, frozenset({UNKNOWN_YEAR + 1}))
        missing = calendar.missing_years(range(2025, UNKNOWN_YEAR + 3))
        assert missing == [UNKNOWN_YEAR, UNKNOWN_YEAR + 2]


class TestAddWorkingDays:
    def test_friday_plus_one_is_monday(self) -> None:
        friday = date(2026, 3, 6)
        assert friday.weekday() == 4
        assert PLAIN.add_working_days(friday, 1) == WorkingDate(date(2026, 3, 9), False)

    def test_friday_plus_five_is_next_friday(self) -> None:
        assert PLAIN.add_working_days(date(2026, 3, 6), 5).day == date(2026, 3, 13)

    def test_saturday_plus_one_is_monday(self) -> None:
        assert PLAIN.add_working_days(date(2026, 3, 7), 1).day == date(2026, 3, 9)

    def test_zero_days_returns_the_start_even_on_a_holiday(self) -> None:
        assert PLAIN.add_working_days(NATIONAL_DAY_2026, 0) == WorkingDate(NATIONAL_DAY_2026, False)

    def test_zero_days_in_an_unknown_year_is_not_provisional(self) -> None:
        start = _first_weekday(UNKNOWN_YEAR, 5)
        assert PLAIN.add_working_days(start, 0) == WorkingDate(start, False)

    def test_negative_days_raise_value_error(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            PLAIN.add_working_days(date(2026, 3, 6), -1)

    def test_national_day_holiday_is_skipped(self) -> None:
        block = _national_day_2026_block()
        assert len(block) >= 7
        last_day_before = block[0] - timedelta(days=1)
        first_day_after = block[-1] + timedelta(days=1)
        assert chinese_calendar.is_workday(last_day_before)
        assert chinese_calendar.is_workday(first_day_after)
        assert PLAIN.add_working_days(last_day_before, 1) == WorkingDate(first_day_after, False)

    def test_start_inside_the_holiday_counts_from_its_end(self) -> None:
        block = _national_day_2026_block()
        first_day_after = block[-1] + timedelta(days=1)
        assert PLAIN.add_working_days(block[0], 1).day == first_day_after
        assert PLAIN.add_working_days(block[-1], 1).day == first_day_after

    def test_exchanged_weekend_day_counts(self) -> None:
        # 2026-10-08 and -09 (Thu, Fri) are worked, then Saturday 10-10 is too.
        assert PLAIN.add_working_days(date(2026, 10, 9), 1).day == date(2026, 10, 10)
        assert PLAIN.add_working_days(date(2026, 10, 10), 1).day == date(2026, 10, 12)

    def test_staying_in_a_known_year_is_not_provisional(self) -> None:
        assert PLAIN.add_working_days(date(2026, 12, 1), 20).provisional is False

    def test_crossing_into_an_unknown_year_is_provisional(self) -> None:
        result = PLAIN.add_working_days(date(LAST_PACKAGE_YEAR, 12, 28), 10)
        assert result.day.year == UNKNOWN_YEAR
        assert result.provisional is True

    def test_crossing_into_a_loaded_year_is_not_provisional(self) -> None:
        calendar = WorkingCalendar({}, frozenset({UNKNOWN_YEAR}))
        result = calendar.add_working_days(date(LAST_PACKAGE_YEAR, 12, 28), 10)
        assert result.day.year == UNKNOWN_YEAR
        assert result.provisional is False

    def test_override_holiday_is_skipped(self) -> None:
        monday = date(2026, 3, 9)
        calendar = WorkingCalendar({monday: Override(False, "停工")}, frozenset())
        assert calendar.add_working_days(date(2026, 3, 6), 1).day == date(2026, 3, 10)


class TestWorkingDaysBetween:
    def test_same_day_is_zero(self) -> None:
        assert PLAIN.working_days_between(NATIONAL_DAY_2026, NATIONAL_DAY_2026) == (
            WorkingDayCount(0, False)
        )

    def test_friday_to_monday_is_one(self) -> None:
        assert PLAIN.working_days_between(date(2026, 3, 6), date(2026, 3, 9)).count == 1

    def test_start_is_excluded_and_end_included(self) -> None:
        assert PLAIN.working_days_between(date(2026, 3, 9), date(2026, 3, 10)).count == 1
        assert PLAIN.working_days_between(date(2026, 3, 9), date(2026, 3, 13)).count == 4

    def test_national_day_block_has_no_working_days(self) -> None:
        block = _national_day_2026_block()
        before = block[0] - timedelta(days=1)
        assert PLAIN.working_days_between(before, block[-1]).count == 0

    def test_earlier_end_is_negative(self) -> None:
        assert PLAIN.working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == (
            WorkingDayCount(-1, False)
        )

    def test_range_into_an_unknown_year_is_provisional(self) -> None:
        result = PLAIN.working_days_between(
            date(LAST_PACKAGE_YEAR, 12, 30), date(UNKNOWN_YEAR, 1, 5)
        )
        assert result.provisional is True

    def test_reverse_range_into_an_unknown_year_is_provisional(self) -> None:
        result = PLAIN.working_days_between(
            date(UNKNOWN_YEAR, 1, 5), date(LAST_PACKAGE_YEAR, 12, 30)
        )
        assert result.count < 0
        assert result.provisional is True


DATES = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))
DAYS = st.integers(min_value=0, max_value=40)


class TestWorkingDayProperties:
    @settings(max_examples=200, deadline=None)
    @given(start=DATES, days=DAYS)
    def test_between_counts_back_what_add_moved(self, start: date, days: int) -> None:
        result = PLAIN.add_working_days(start, days)
        counted = PLAIN.working_days_between(start, result.day)
        assert counted.count == days
        assert counted.provisional == result.provisional

    @settings(max_examples=200, deadline=None)
    @given(start=DATES, days=st.integers(min_value=1, max_value=40))
    def test_result_of_a_positive_add_is_a_working_day(self, start: date, days: int) -> None:
        result = PLAIN.add_working_days(start, days)
        assert result.day > start
        assert PLAIN.is_working_day(result.day) is True

    @settings(max_examples=200, deadline=None)
    @given(first=DATES, offset=st.integers(min_value=-120, max_value=120))
    def test_between_is_antisymmetric(self, first: date, offset: int) -> None:
        second = first + timedelta(days=offset)
        forward = PLAIN.working_days_between(first, second)
        backward = PLAIN.working_days_between(second, first)
        assert forward.count == -backward.count
        assert forward.provisional == backward.provisional

    @settings(max_examples=200, deadline=None)
    @given(start=DATES, days=st.integers(min_value=0, max_value=39))
    def test_add_is_strictly_monotonic(self, start: date, days: int) -> None:
        assert PLAIN.add_working_days(start, days).day < PLAIN.add_working_days(start, days + 1).day

    @settings(max_examples=100, deadline=None)
    @given(day=DATES)
    def test_between_a_day_and_itself_is_zero(self, day: date) -> None:
        assert PLAIN.working_days_between(day, day) == WorkingDayCount(0, False)

    @settings(max_examples=100, deadline=None)
    @given(day=DATES)
    def test_package_and_plain_calendar_agree(self, day: date) -> None:
        if day.year in PACKAGE_YEARS:
            assert PLAIN.is_working_day(day) == chinese_calendar.is_workday(day)
        else:
            assert PLAIN.is_working_day(day) == (day.weekday() < 5)
