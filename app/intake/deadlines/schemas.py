"""Deadlines as the worklist shows them: ids, codes and days, never personal data."""

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.intake.deadlines.rules import DeadlineStatus, Kind

_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e21"
_HOUSEHOLD = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e22"


class When(StrEnum):
    """Which undone deadlines the worklist shows, by their due day."""

    due_today = "due_today"
    overdue = "overdue"
    open = "open"


class DeadlineOut(BaseModel):
    """A deadline not done yet (DOMAIN 6): what starts it, its due day and how late it is."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "kind": "visit_after_hardship",
                    "status": "missed",
                    "triggered_on": "2025-09-26",
                    "working_days": 1,
                    "due_on": "2025-09-28",
                    "provisional": False,
                    "done_on": None,
                    "household_id": _HOUSEHOLD,
                    "application_id": None,
                    "discovery_report_id": None,
                    "region_code": "500112001001",
                    "days_overdue": 1,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Deadline id.")
    kind: Kind = Field(description="What must be done (dictionary `deadline_kind`).")
    status: DeadlineStatus = Field(
        description="`open` until done or past its due day; `met` when done by the due day; "
        "`missed` once the due day has passed undone (it stays `missed` when done late); "
        "`cancelled` when the lead that started it was dismissed."
    )
    triggered_on: date = Field(
        description="The day the triggering event happened (learned of, approved, investigated)."
    )
    working_days: int = Field(description="Working days allowed after the trigger day.")
    due_on: date = Field(description="The last day allowed: met when done on or before it.")
    provisional: bool = Field(
        description="Counted on a year the official calendar does not cover yet (Monday to "
        "Friday): the due day may move when that year is loaded."
    )
    done_on: date | None = Field(
        description="The day it was done (met, or missed and done late); null while undone."
    )
    household_id: uuid.UUID | None = Field(description="The household concerned, if any.")
    application_id: uuid.UUID | None = Field(description="The application concerned, if any.")
    discovery_report_id: uuid.UUID | None = Field(
        description="The discovery report concerned, if any."
    )
    region_code: str = Field(description="Region of the household or report concerned.")
    days_overdue: int = Field(
        description="Working days after the due day up to today, today included when it is "
        "one (0 while the due day has not passed, and over days off right after it)."
    )
