import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.calendar import DaySource
from app.core.dates import Day
from app.core.field_messages import FieldMessage, field_error, register_field_messages


class CalendarDayOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "date": "2026-10-01",
                    "is_working_day": False,
                    "provisional": False,
                    "source": "package",
                    "name": "National Day",
                }
            ]
        }
    )

    date: dt.date = Field(description="The day (Asia/Shanghai calendar).")
    is_working_day: bool = Field(description="Whether offices work that day.")
    provisional: bool = Field(
        description="True when the year's official calendar is not known and Monday-Friday was assumed."
    )
    source: DaySource = Field(
        description="What decided it: `override` (a single correction), `loaded_year` (a year loaded from the official notice), `package` (chinesecalendar) or `weekday_rule` (Monday-Friday, provisional)."
    )
    name: str | None = Field(description="Holiday or exchanged-day name, when known.")


class CalendarRangeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start": "2026-10-01",
                    "end": "2026-10-01",
                    "days": [
                        {
                            "date": "2026-10-01",
                            "is_working_day": False,
                            "provisional": False,
                            "source": "package",
                            "name": "National Day",
                        }
                    ],
                    "missing_years": [],
                }
            ]
        }
    )

    start: dt.date = Field(description="First day of the range.")
    end: dt.date = Field(description="Last day of the range, inclusive.")
    days: list[CalendarDayOut] = Field(description="Every day of the range.")
    missing_years: list[int] = Field(
        description="Years in the range with no official calendar; their days are provisional."
    )


class WorkingDateOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"start": "2026-09-30", "days": 1, "date": "2026-10-08", "provisional": False}
            ]
        }
    )

    start: dt.date = Field(description="The day counted from (it does not count itself).")
    days: int = Field(description="Number of working days added.")
    date: dt.date = Field(description="The `days`-th working day after `start`.")
    provisional: bool = Field(
        description="True when a day on the way fell in a year with no official calendar."
    )


class WorkingDayCountOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start": "2026-09-30",
                    "end": "2026-10-08",
                    "working_days": 1,
                    "provisional": False,
                }
            ]
        }
    )

    start: dt.date = Field(description="Start, exclusive.")
    end: dt.date = Field(description="End, inclusive.")
    working_days: int = Field(
        description="Working days after `start` up to and including `end` (negative if `end` is earlier)."
    )
    provisional: bool = Field(
        description="True when a day counted fell in a year with no official calendar."
    )


class CalendarYearOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"year": 2026, "source": "package", "loaded": False}]}
    )

    year: int = Field(description="Calendar year.")
    source: str = Field(
        description="`package` (chinesecalendar) or the source recorded when the year was loaded."
    )
    loaded: bool = Field(description="True when the year was loaded into the override table.")


class DayEntry(BaseModel):
    date: Day = Field(description="The day.")
    name: str = Field(
        min_length=1,
        max_length=100,
        description="Holiday name, e.g. 春节, or the holiday an exchanged day belongs to.",
    )


class CalendarYearIn(BaseModel):
    """A whole year as the State Council publishes it."""

    year: int = Field(strict=True, ge=2004, le=2100, description="Calendar year.")
    source: str = Field(
        min_length=1, max_length=200, description="Where it comes from, e.g. 国办发明电〔2026〕x号."
    )
    holidays: list[DayEntry] = Field(
        description="Days off (public holidays, including the weekend days inside them)."
    )
    working_days: list[DayEntry] = Field(
        default_factory=list, description="Weekend days worked in exchange (调休)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> "CalendarYearIn":
        holidays = {d.date for d in self.holidays}
        working = {d.date for d in self.working_days}
        if any(d.year != self.year for d in holidays | working):
            raise field_error("day_outside_year", year=self.year)
        if holidays & working:
            raise field_error("holiday_and_working_day")
        if len(holidays) != len(self.holidays) or len(working) != len(self.working_days):
            raise field_error("duplicate")
        if any(d.weekday() < 5 for d in working):
            raise field_error("working_day_not_weekend")
        return self


class CalendarDayIn(BaseModel):
    is_working_day: bool = Field(strict=True, description="Whether offices work that day.")
    name: str | None = Field(
        default=None, max_length=100, description="Holiday or exchanged-day name."
    )


register_field_messages(
    {
        "day_outside_year": FieldMessage(
            "每一天都须在 {year} 年内", "every day must fall in {year}"
        ),
        "holiday_and_working_day": FieldMessage(
            "同一天不能既是节假日又是调休工作日", "a day cannot be both a holiday and a working day"
        ),
        "working_day_not_weekend": FieldMessage(
            "调休工作日须为周末", "exchanged working days are weekend days"
        ),
        "year_mismatch": FieldMessage("须与路径中的年份相同", "must equal the year in the path"),
    }
)
