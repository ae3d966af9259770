"""Months of the ledger's money records: a month is its first day; a range includes both ends."""

from dataclasses import dataclass
from datetime import date

DEFAULT_MONTHS = 12
"""A read without a range covers the last 12 months (DOMAIN 4: incomes of at least the last 12)."""
MAX_MONTHS = 36
"""The longest range one request may read or replace."""


@dataclass(frozen=True, slots=True)
class MonthRange:
    first: date
    last: date

    def __contains__(self, month: object) -> bool:
        return isinstance(month, date) and self.first <= month <= self.last

    @property
    def length(self) -> int:
        return months_from(self.first, self.last) + 1


def month_of(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_from(first: date, last: date) -> int:
    """How many months `last` lies after `first` (negative when before)."""
    return (last.year - first.year) * 12 + last.month - first.month
