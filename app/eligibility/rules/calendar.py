"""The dates of the rules (DOMAIN 5): the income window and whole years between two days."""

from datetime import date
from functools import lru_cache

WINDOW_MONTHS = 12
"""提出申请之月前12个月 (Yubei 3(2)): the 12 calendar months before the month of D."""


@lru_cache(maxsize=256)
def window(reference_date: date) -> tuple[date, ...]:
    """First days of the 12 calendar months before `reference_date`'s month, oldest first
    (kept per date: every household of a simulation reads the same window)."""
    index = reference_date.year * 12 + reference_date.month - 1
    return tuple(
        date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(WINDOW_MONTHS, 0, -1)
    )


def anniversary(start: date, years: int) -> date:
    """The day on which `years` whole years from `start` are complete.

    Civil Code art. 202: a period counted in years ends on the corresponding day of the
    final month, and on that month's last day when it has no corresponding day. So the
    anniversary of 29 February in a common year is 28 February: someone living in the city
    since 2024-02-29 has lived there 2 years on 2026-02-28. The period is complete on its
    last day, so exactly `years` years qualify for "N年及以上" (Civil Code art. 1259).
    """
    year = start.year + years
    if (start.month, start.day) == (2, 29) and not _is_leap(year):
        return date(year, 2, 28)
    return start.replace(year=year)


def completed_years(start: date, on: date) -> int:
    """Whole years from `start` complete on `on` (negative when `on` is before `start`), by
    `anniversary`: used for residency and for ages (周岁) alike, so both read 29 February the
    same way."""
    years = on.year - start.year
    return years if on >= anniversary(start, years) else years - 1


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
