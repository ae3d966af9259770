"""What other domains may use of the working-day calendar (DOMAIN 6)."""

from app.workdays.service import (
    CALENDAR_CHANGED,
    add_working_days,
    calendar_between,
    missing_years,
    working_calendar,
    working_days_between,
)

__all__ = [
    "CALENDAR_CHANGED",
    "add_working_days",
    "calendar_between",
    "missing_years",
    "working_calendar",
    "working_days_between",
]
