from datetime import date

from sqlalchemy import delete, select

from app.core.calendar import Override
from app.core.db import ReadSession, WriteSession, dialect_insert
from app.workdays.models import CalendarDay, CalendarYear


async def overrides_between(session: ReadSession, start: date, end: date) -> dict[date, Override]:
    rows = await session.execute(
        select(
            CalendarDay.day, CalendarDay.is_working_day, CalendarDay.name, CalendarDay.official
        ).where(CalendarDay.day >= start, CalendarDay.day <= end)
    )
    return {
        day: Override(bool(working), name, bool(official)) for day, working, name, official in rows
    }


async def loaded_years(session: ReadSession) -> list[CalendarYear]:
    rows = await session.execute(select(CalendarYear).order_by(CalendarYear.year))
    return list(rows.scalars())


async def replace_year(
    session: WriteSession, year: int, source: str, days: dict[date, Override]
) -> None:
    """Swap a year's loaded days for `days` and mark the year loaded."""
    await session.execute(
        delete(CalendarDay).where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
        )
    )
    stmt = dialect_insert(session, CalendarYear).values(year=year, source=source)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["year"],
            set_={"source": stmt.excluded.source, "loaded_at": stmt.excluded.loaded_at},
        )
    )
    session.add_all(
        CalendarDay(day=day, is_working_day=o.is_working_day, name=o.name, official=True)
        for day, o in days.items()
    )
    await session.flush()


async def set_day(session: WriteSession, day: date, override: Override) -> None:
    stmt = dialect_insert(session, CalendarDay).values(
        day=day, is_working_day=override.is_working_day, name=override.name, official=False
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["day"],
            set_={
                "is_working_day": stmt.excluded.is_working_day,
                "name": stmt.excluded.name,
                "official": stmt.excluded.official,
            },
        )
    )
