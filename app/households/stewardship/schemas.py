"""Plans, assignments and pairing as the API shows and accepts them."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.actors import ActorRef
from app.core.dates import Day

Measure = Annotated[str, Field(min_length=1, max_length=200)]
_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"


class PlanItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = Field(
        default=None,
        description="The id of an item of the current version this item keeps (its text may "
        "change); omit for a new item.",
    )
    text: Measure = Field(description="What is planned.")


class PlanItemOut(BaseModel):
    id: uuid.UUID = Field(
        description="Stable id of the item, kept across versions; measures name it."
    )
    text: str = Field(description="What is planned.")


class PlanIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "goals": "三个月内落实医疗救助，稳定基本生活。",
                    "items": [
                        {"id": _ID, "text": "申请医疗救助"},
                        {"text": "链接志愿者每周探访"},
                    ],
                    "responsible_organization_id": _ID,
                }
            ]
        },
    )

    goals: str = Field(min_length=1, max_length=2000, description="Goals of the plan.")
    items: list[PlanItemIn] | None = Field(
        default=None,
        max_length=50,
        description="Planned measures with ids: an item naming the id of a current item keeps "
        "it; new items get ids. Give either `items` or `planned_measures`.",
    )
    planned_measures: list[Measure] | None = Field(
        default=None,
        max_length=50,
        description="Planned measures as texts (older clients): an unchanged text keeps its "
        "item's id. Give either `items` or `planned_measures`.",
    )
    responsible_organization_id: uuid.UUID | None = Field(
        default=None, description="The organisation responsible for carrying it out."
    )
    review_on: Day | None = Field(default=None, description="When the plan is reviewed next.")


class PlanOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "household_id": _ID,
                    "revision": 2,
                    "goals": "三个月内落实医疗救助，稳定基本生活。",
                    "planned_measures": ["申请医疗救助"],
                    "items": [{"id": _ID, "text": "申请医疗救助"}],
                    "responsible_organization_id": None,
                    "review_on": "2027-02-23",
                    "created_by": {"type": "user", "id": _ID, "display_name": "双龙湖街道干部"},
                    "created_at": "2026-11-23T08:00:00Z",
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Id of this version.")
    household_id: uuid.UUID = Field(description="Household id.")
    revision: int = Field(description="Version number, 1 for the first; the ETag of the plan.")
    goals: str = Field(description="Goals of the plan.")
    planned_measures: list[str] = Field(description="Planned measures (the items' texts).")
    items: list[PlanItemOut] = Field(description="Planned measures with their stable ids.")
    responsible_organization_id: uuid.UUID | None = Field(description="Responsible organisation.")
    review_on: date | None = Field(description="Next review date.")
    created_by: ActorRef | None = Field(
        description="Who wrote this version; null for versions written before it was kept."
    )
    created_at: datetime = Field(description="When this version was written.")


class AssignmentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"agency_id": _ID, "social_worker_id": None}]},
    )

    agency_id: uuid.UUID = Field(
        description="The social-work agency (organization kind `social_work_agency`)."
    )
    social_worker_id: uuid.UUID | None = Field(
        default=None, description="One of the agency's social workers, if already chosen."
    )


class AssignmentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "household_id": _ID,
                    "agency_id": _ID,
                    "social_worker": None,
                    "assigned_by": {"type": "user", "id": _ID, "display_name": "双龙湖街道干部"},
                    "active": True,
                    "created_at": "2026-11-23T08:00:00Z",
                    "ended_at": None,
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Assignment id.")
    household_id: uuid.UUID = Field(description="Household id.")
    agency_id: uuid.UUID = Field(description="The social-work agency.")
    social_worker: ActorRef | None = Field(description="The assigned social worker, if any.")
    assigned_by: ActorRef = Field(description="The street officer who assigned it.")
    active: bool = Field(description="Whether this is the current assignment.")
    created_at: datetime = Field(description="When it was made.")
    ended_at: datetime | None = Field(description="When it ended, if it did.")


class PairingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"worker_id": _ID}]})

    worker_id: uuid.UUID | None = Field(
        description="The community or grid worker paired with the household (对口帮扶); null ends the pairing."
    )
