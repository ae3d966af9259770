"""Home visits as the API accepts and shows them (DOMAIN 6; Yubei 3(5); Beijing 2)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.dates import Day
from app.households.public import PlanIn
from app.intake.deadlines.rules import Kind
from app.intake.visits.states import VisitStatus

_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31"
_HOUSEHOLD = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e32"
_USER = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e33"
_ORGANIZATION = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e34"
NeedCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
"""A code of the `need` dictionary (extensible: checked against it)."""
Text = Annotated[str, Field(min_length=1, max_length=4000)]
EARLIEST_SCHEDULE_DAYS = 30
"""A visit may be scheduled up to this many days back: an urgent visit made first and
entered after."""


class HomeVisitIn(BaseModel):
    """Schedule a home visit (入户访谈) and assign it to its visitor."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "household_id": _HOUSEHOLD,
                    "visitor_id": _USER,
                    "scheduled_on": "2026-12-04",
                    "application_id": None,
                }
            ]
        },
    )

    household_id: uuid.UUID = Field(
        description="The household to visit: in your reach, neither exited nor declined."
    )
    visitor_id: uuid.UUID = Field(
        description="Who visits: the social worker the household is assigned to, or a "
        "community worker of its community."
    )
    scheduled_on: Day = Field(
        description=f"The day planned: from {EARLIEST_SCHEDULE_DAYS} days ago (a visit made "
        "first and entered after) onwards."
    )
    application_id: uuid.UUID | None = Field(
        default=None, description="The household's application the visit is for, if any."
    )


class HomeVisitRecordIn(BaseModel):
    """What the visit found (入户访谈), the needs assessment (需求评估) and the plan drawn from
    it (方案制订)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "visited_on": "2026-12-04",
                    "living_situation": "独居，行动不便，家中无取暖设备。",
                    "note": "邻居协助照看。",
                    "needs_found": ["medical", "care"],
                    "assessment": "急需医疗救助和日间照料。",
                    "plan": {"goals": "一个月内落实医疗救助和日间照料。"},
                    "document_ids": [],
                }
            ]
        },
    )

    visited_on: Day = Field(
        description="The day of the visit: on or after the day it was scheduled for, not in "
        "the future. Deadlines it meets count it as done that day."
    )
    living_situation: Text = Field(description="The household's living situation as found.")
    note: Text | None = Field(default=None, description="Anything else seen or said.")
    needs_found: list[NeedCode] = Field(
        default_factory=list,
        max_length=30,
        description="Needs found (dictionary `need`): noted on the household as need "
        "instances from this visit.",
    )
    assessment: Text = Field(description="The needs assessment (需求评估).")
    plan: PlanIn | None = Field(
        default=None,
        description="The household's next plan version (一户一策) drawn from the visit.",
    )
    document_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=20,
        description="Documents of the household's file (not voided) the visit produced: "
        "photos, signed forms.",
    )


class HomeVisitCancelIn(BaseModel):
    """The visit will not take place."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "户主住院，改期另行安排。"}]}
    )

    reason: Text = Field(description="Why the visit is cancelled.")


class HomeVisitOut(BaseModel):
    """A home visit. Free text (situation, note, assessment, reason) is masked whole for roles
    that see personal data masked."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "version": 2,
                    "status": "completed",
                    "household_id": _HOUSEHOLD,
                    "region_code": "500112001001",
                    "application_id": None,
                    "scheduled_on": "2026-12-04",
                    "scheduled_by": _USER,
                    "visitor_id": _USER,
                    "visitor_organization_id": _ORGANIZATION,
                    "by_social_work_agency": True,
                    "visited_on": "2026-12-04",
                    "living_situation": "独居，行动不便，家中无取暖设备。",
                    "note": None,
                    "needs_found": ["medical"],
                    "assessment": "急需医疗救助。",
                    "plan_revision": 2,
                    "document_ids": [],
                    "recorded_by": _USER,
                    "recorded_at": "2026-12-04T09:30:00Z",
                    "cancel_reason": None,
                    "deadlines_met": ["visit_after_hardship"],
                    "allowed_actions": [],
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Home visit id.")
    version: int = Field(description="Version for If-Match.")
    status: VisitStatus = Field(description="`scheduled`, `completed` or `cancelled`.")
    household_id: uuid.UUID = Field(description="The household visited.")
    region_code: str = Field(description="The household's region.")
    application_id: uuid.UUID | None = Field(description="The application it is for, if any.")
    scheduled_on: Day = Field(description="The day planned.")
    scheduled_by: uuid.UUID = Field(description="Who scheduled it.")
    visitor_id: uuid.UUID = Field(description="Who visits (the only one who records it).")
    visitor_organization_id: uuid.UUID | None = Field(
        description="The visitor's organisation when scheduled."
    )
    by_social_work_agency: bool = Field(
        description="The visitor's organisation is a social-work agency: only such a visit "
        "meets the home-visit deadlines (Yubei 3(5))."
    )
    visited_on: date | None = Field(description="The day of the visit, once recorded.")
    living_situation: str | None = Field(description="The living situation found.")
    note: str | None = Field(description="Anything else seen or said.")
    needs_found: list[str] = Field(description="Needs found (dictionary `need`).")
    assessment: str | None = Field(description="The needs assessment (需求评估).")
    plan_revision: int | None = Field(
        description="The household plan's revision the visit drew, if it drew one."
    )
    document_ids: list[uuid.UUID] = Field(description="Documents of the file it produced.")
    recorded_by: uuid.UUID | None = Field(description="Who recorded it.")
    recorded_at: datetime | None = Field(description="When it was recorded.")
    cancel_reason: str | None = Field(description="Why it was cancelled.")
    deadlines_met: list[Kind] = Field(
        description="Kinds of the deadlines the visit met (dictionary `deadline_kind`)."
    )
    allowed_actions: list[str] = Field(description="The actions its state allows now.")
