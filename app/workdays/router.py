from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query

from app.core.auth import Actor, actor_for
from app.core.dates import DateString
from app.core.errors import ValidationFailed
from app.core.field_messages import DAYS
from app.core.openapi import protected_problems
from app.core.pagination import Page
from app.core.permissions import Action
from app.core.routing import API_V1, api_router
from app.core.uow import DbSession, ReadDbSession
from app.workdays import service
from app.workdays.schemas import (
    CalendarDayIn,
    CalendarDayOut,
    CalendarRangeOut,
    CalendarYearIn,
    CalendarYearOut,
    WorkingDateOut,
    WorkingDayCountOut,
)

MAX_SPAN_DAYS = 3660
"""How far apart the dates of a working-day count may be: about ten years."""

router = api_router(
    dependencies=[Depends(actor_for(Action.reference_read))],
    prefix=f"{API_V1}/calendar",
    tags=["reference data"],
)

CalendarDate = Annotated[date, DateString(date(1949, 10, 1), date(2100, 12, 31))]
"""A day the working calendar answers for: 1949-10-01 to 2100-12-31."""
Start = Annotated[
    CalendarDate, Query(description="First day (YYYY-MM-DD), 1949-10-01 to 2100-12-31.")
]
End = Annotated[
    CalendarDate,
    Query(description="Last day, inclusive (YYYY-MM-DD), 1949-10-01 to 2100-12-31."),
]


@router.get(
    "",
    response_model=CalendarRangeOut,
    summary="Working days and holidays over a date range (at most 366 days)",
    responses=protected_problems(ValidationFailed),
)
async def calendar_get(session: ReadDbSession, start: Start, end: End) -> CalendarRangeOut:
    span = (end - start).days + 1
    if span < 1:
        raise ValidationFailed.at(["query", "end"], "too_early", earliest="start")
    if span > service.MAX_RANGE_DAYS:
        raise ValidationFailed.at(
            ["query", "end"], "range_too_long", limit=service.MAX_RANGE_DAYS, **DAYS
        )
    days, missing = await service.describe_range(session, start, end)
    return CalendarRangeOut(
        start=start,
        end=end,
        days=[
            CalendarDayOut(
                date=d.day,
                is_working_day=d.is_working_day,
                provisional=d.provisional,
                source=d.source,
                name=d.name,
            )
            for d in days
        ],
        missing_years=missing,
    )


@router.get(
    "/years",
    response_model=Page[CalendarYearOut],
    summary="Years whose official calendar is known",
    description="Order: by year, oldest first. The years fit on one page (one a year): "
    "`next_cursor` is always null.",
    responses=protected_problems(),
)
async def calendar_years_list(session: ReadDbSession) -> Page[CalendarYearOut]:
    years = [
        CalendarYearOut(year=y, source=s, loaded=loaded)
        for y, s, loaded in await service.list_years(session)
    ]
    return Page(items=years, next_cursor=None)


@router.get(
    "/add-working-days",
    response_model=WorkingDateOut,
    summary="The date n working days after a date (deadline arithmetic)",
    responses=protected_problems(ValidationFailed),
)
async def calendar_add_working_days(
    session: ReadDbSession,
    start: Start,
    days: Annotated[int, Query(ge=0, le=366, description="Working days to add, 0 to 366.")],
) -> WorkingDateOut:
    result = await service.add_working_days(session, start, days)
    return WorkingDateOut(start=start, days=days, date=result.day, provisional=result.provisional)


@router.get(
    "/working-days-between",
    response_model=WorkingDayCountOut,
    summary="Count working days between two dates",
    responses=protected_problems(ValidationFailed),
)
async def calendar_working_days_between(
    session: ReadDbSession, start: Start, end: End
) -> WorkingDayCountOut:
    if abs((end - start).days) > MAX_SPAN_DAYS:
        raise ValidationFailed.at(["query", "end"], "range_too_long", limit=MAX_SPAN_DAYS, **DAYS)
    result = await service.working_days_between(session, start, end)
    return WorkingDayCountOut(
        start=start, end=end, working_days=result.count, provisional=result.provisional
    )


Writer = Annotated[Actor, Depends(actor_for(Action.reference_write))]


@router.put(
    "/years/{year}",
    response_model=CalendarYearOut,
    summary="Load a whole year's holidays and exchanged working days (admins)",
    responses=protected_problems(ValidationFailed),
)
async def calendar_years_load(
    year: Annotated[int, Path(ge=2004, le=2100, description="Calendar year.")],
    admin: Writer,
    session: DbSession,
    body: CalendarYearIn,
) -> CalendarYearOut:
    if body.year != year:
        raise ValidationFailed.in_body("year", "year_mismatch")
    await service.load_year_audited(session, admin.context, body)
    return CalendarYearOut(year=year, source=body.source, loaded=True)


@router.put(
    "/days/{day}",
    response_model=CalendarDayOut,
    summary="Correct a single day (admins)",
    responses=protected_problems(ValidationFailed),
)
async def calendar_days_set(
    day: Annotated[CalendarDate, Path(description="The day (YYYY-MM-DD).")],
    admin: Writer,
    session: DbSession,
    body: CalendarDayIn,
) -> CalendarDayOut:
    await service.set_day_audited(
        session,
        admin.context,
        day,
        is_working_day=body.is_working_day,
        name=body.name,
    )
    days, _ = await service.describe_range(session, day, day)
    info = days[0]
    return CalendarDayOut(
        date=info.day,
        is_working_day=info.is_working_day,
        provisional=info.provisional,
        source=info.source,
        name=info.name,
    )
