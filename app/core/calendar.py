"""Working days on the official PRC calendar (public holidays and 调休).

Three sources, in order: the override table (administrators' corrections and
whole years loaded when the State Council publishes them), the
`chinesecalendar` package (2004 to its last published year), and for any
other year Monday to Friday, with the result marked `provisional` so a
deadline computed without the real calendar is never mistaken for a firm one.

Conventions: `add_working_days(d, n)` is the n-th working day after d (d
itself never counts, so "within 1 working day of Friday" is Monday);
`working_days_between(a, b)` counts working days in (a, b], so
`working_days_between(d, add_working_days(d, n).day) == n`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from chinese_calendar import constants as cn_constants
from chinese_calendar import get_holiday_detail, is_workday

PACKAGE_YEARS = range(min(cn_constants.holidays).year, max(cn_constants.holidays).year + 1)
_ONE_DAY = timedelta(days=1)


class DaySource(StrEnum):
    override = "override"
    loaded_year = "loaded_year"
    package = "package"
    weekday_rule = "weekday_rule"


@dataclass(frozen=True, slots=True)
class Override:
    """A day that departs from the default rule.

    `official` days come from a whole year loaded from the State Council's
    notice; the others are single corrections by an administrator.
    """

    is_working_day: bool
    name: str | None = None
    official: bool = False


@dataclass(frozen=True, slots=True)
class DayInfo:
    day: date
    is_working_day: bool
    provisional: bool
    source: DaySource
    name: str | None


@dataclass(frozen=True, slots=True)
class WorkingDate:
    day: date
    provisional: bool


@dataclass(frozen=True, slots=True)
class WorkingDayCount:
    count: int
    provisional: bool


class WorkingCalendar:
    """An immutable view of the calendar: overrides plus the years they complete."""

    def __init__(self, overrides: Mapping[date, Override], loaded_years: frozenset[int]) -> None:
        self._overrides = dict(overrides)
        self._loaded_years = loaded_years

    def is_known_year(self, year: int) -> bool:
        return year in self._loaded_years or year in PACKAGE_YEARS

    def describe(self, day: date) -> DayInfo:
        override = self._overrides.get(day)
        if override is not None:
            source = DaySource.loaded_year if override.official else DaySource.override
            return DayInfo(day, override.is_working_day, False, source, override.name)
        weekday = day.weekday() < 5
        if day.year in self._loaded_years:
            return DayInfo(day, weekday, False, DaySource.loaded_year, None)
        if day.year in PACKAGE_YEARS:
            _, holiday = get_holiday_detail(day)
            name = holiday if isinstance(holiday, str) else getattr(holiday, "value", None)
            return DayInfo(day, bool(is_workday(day)), False, DaySource.package, name)
        return DayInfo(day, weekday, True, DaySource.weekday_rule, None)

    def is_working_day(self, day: date) -> bool:
        return self.describe(day).is_working_day

    def add_working_days(self, start: date, days: int) -> WorkingDate:
        """The `days`-th working day after `start` (`start` itself for 0)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, provisional, found = start, False, 0
        while found < days:
            current += _ONE_DAY
            info = self.describe(current)
            provisional = provisional or info.provisional
            found += info.is_working_day
        return WorkingDate(current, provisional)

    def working_days_between(self, start: date, end: date) -> WorkingDayCount:
        """Working days after `start` up to and including `end`; negative if `end` is earlier."""
        if end < start:
            reverse = self.working_days_between(end, start)
            return WorkingDayCount(-reverse.count, reverse.provisional)
        count, provisional, current = 0, False, start
        while current < end:
            current += _ONE_DAY
            info = self.describe(current)
            provisional = provisional or info.provisional
            count += info.is_working_day
        return WorkingDayCount(count, provisional)

    def missing_years(self, years: range) -> list[int]:
        return [year for year in years if not self.is_known_year(year)]
