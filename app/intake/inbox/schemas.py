"""Inbox items as their user reads them: what happened to which object, never personal data."""

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e41"
_SUBJECT = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e42"
_HOUSEHOLD = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e43"


class SubjectType(StrEnum):
    """The kinds of object an inbox item is about."""

    deadline = "deadline"
    home_visit = "home_visit"
    application = "application"
    discovery_report = "discovery_report"


class InboxItemOut(BaseModel):
    """Something that concerns you: a visit assigned to you, a deadline approaching or missed,
    a step of an application you filed (DOMAIN 6)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "event": "deadline.approaching",
                    "subject_type": "deadline",
                    "subject_id": _SUBJECT,
                    "household_id": _HOUSEHOLD,
                    "created_at": "2026-12-03T01:00:00Z",
                    "read_at": None,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Inbox item id.")
    event: str = Field(
        description="The domain event it announces, e.g. `home_visit.assigned`, "
        "`deadline.approaching`, `deadline.missed`."
    )
    subject_type: SubjectType = Field(description="The kind of object concerned.")
    subject_id: uuid.UUID = Field(description="The object concerned.")
    household_id: uuid.UUID | None = Field(description="The household concerned, if any.")
    created_at: datetime = Field(description="When it arrived.")
    read_at: datetime | None = Field(description="When you marked it read; null while unread.")
