from datetime import date, timedelta

import chinese_calendar
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import load_calendar_year

# A made-up 2027 as the State Council might publish it (the package stops at 2026).
HOLIDAYS_2027 = {"2027-01-01": "元旦"} | {f"2027-10-0{d}": "国庆节" for d in range(1, 8)}
WORKING_DAYS_2027 = {"2027-09-25": "国庆节调休", "2027-10-09": "国庆节调休"}
SOURCE_2027 = "国办发明电〔2026〕99号"


def official_is_working_day(day: date) -> bool:
    """The expected answer: chinese_calendar up to 2026, Monday to Friday after."""
    if day.year <= 2026:
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def expected_add(start: date, days: int) -> date:
    current, found = start, 0
    while found < days:
        current += timedelta(days=1)
        found += official_is_working_day(current)
    return current


@pytest.fixture
async def loaded_2027(session: AsyncSession) -> None:
    await load_calendar_year(
        session,
        2027,
        holidays=HOLIDAYS_2027,
        working_days=WORKING_DAYS_2027,
        source=SOURCE_2027,
    )
