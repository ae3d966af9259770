"""The working-day calendar as the product uses it (DOMAIN 6 deadlines)."""

from datetime import date, timedelta

from app.core import audit, events
from app.core.audit import AuditContext
from app.core.calendar import (
    PACKAGE_YEARS,
    DayInfo,
    Override,
    WorkingCalendar,
    WorkingDate,
    WorkingDayCount,
)
from app.core.db import ReadSession, WriteSession
from app.workdays import repository
from app.workdays.schemas import CalendarYearIn

MAX_RANGE_DAYS = 366
CALENDAR_CHANGED = "calendar.changed"
"""Published when a year is loaded or a day corrected; payload `{"years": [...]}` or
`{"days": ["YYYY-MM-DD"]}`. Deadlines counted on the calendar subscribe to it (DOMAIN 6)."""


async def calendar_between(session: ReadSession, start: date, end: date) -> WorkingCalendar:
    overrides = await repository.overrides_between(session, start, end)
    years = frozenset(y.year for y in await repository.loaded_years(session))
    return WorkingCalendar(overrides, years)


async def describe_range(
    session: ReadSession, start: date, end: date
) -> tuple[list[DayInfo], list[int]]:
    calendar = await calendar_between(session, start, end)
    days = [calendar.describe(start + timedelta(days=i)) for i in range((end - start).days + 1)]
    return days, calendar.missing_years(range(start.year, end.year + 1))


async def working_calendar(session: ReadSession, start: date, days: int) -> WorkingCalendar:
    """The calendar from `start` on, its overrides loaded for a window wide enough to count
    `days` working days after `start` (and so any fewer): one load for all the deadlines
    one event opens."""
    window = days * 2 + 60
    while True:
        end = start + timedelta(days=window)
        calendar = await calendar_between(session, start, end)
        if calendar.add_working_days(start, days).day <= end:
            return calendar
        window *= 2


async def add_working_days(session: ReadSession, start: date, days: int) -> WorkingDate:
    """The n-th working day after `start`, loading overrides for a window wide enough."""
    return (await working_calendar(session, start, days)).add_working_days(start, days)


async def working_days_between(session: ReadSession, start: date, end: date) -> WorkingDayCount:
    calendar = await calendar_between(session, min(start, end), max(start, end))
    return calendar.working_days_between(start, end)


async def missing_years(session: ReadSession, years: range) -> list[int]:
    loaded = {y.year for y in await repository.loaded_years(session)}
    return [year for year in years if year not in loaded and year not in PACKAGE_YEARS]


async def list_years(session: ReadSession) -> list[tuple[int, str, bool]]:
    """(year, source, loaded) for every year the calendar knows."""
    known = {year: ("package", False) for year in PACKAGE_YEARS}
    known.update({y.year: (y.source, True) for y in await repository.loaded_years(session)})
    return [(year, source, loaded) for year, (source, loaded) in sorted(known.items())]


async def load_year_audited(
    session: WriteSession, context: AuditContext, data: CalendarYearIn
) -> None:
    await load_year(session, data)
    await audit.record(
        session,
        context,
        "calendar_year.load",
        object_type="calendar_year",
        object_id=str(data.year),
        changed_fields=["holidays", "source", "working_days"],
    )


async def set_day_audited(
    session: WriteSession,
    context: AuditContext,
    day: date,
    *,
    is_working_day: bool,
    name: str | None,
) -> None:
    await set_day(session, day, is_working_day=is_working_day, name=name)
    await audit.record(
        session,
        context,
        "calendar_day.set",
        object_type="calendar_day",
        object_id=day.isoformat(),
        changed_fields=["is_working_day", "name"],
    )


async def load_year(session: WriteSession, data: CalendarYearIn) -> None:
    """Load a whole year in one step: its holidays and its exchanged working days.

    Replaces whatever was recorded for that year; days not listed follow
    Monday to Friday, and the year stops being provisional.
    """
    days = {d.date: Override(False, d.name) for d in data.holidays}
    days.update({d.date: Override(True, d.name) for d in data.working_days})
    await repository.replace_year(session, data.year, data.source, days)
    events.publish(session, CALENDAR_CHANGED, {"years": [data.year], "days": []})


async def set_day(
    session: WriteSession, day: date, *, is_working_day: bool, name: str | None
) -> None:
    """Correct a single day, e.g. an extra holiday announced at short notice."""
    await repository.set_day(session, day, Override(is_working_day, name))
    events.publish(session, CALENDAR_CHANGED, {"years": [], "days": [day.isoformat()]})
