"""Need instances as the API shows them (DOMAIN 4, 6)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.actors import ActorRef
from app.dictionaries.public import CodeOf

_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"


class NeedInstanceOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "code": "medical",
                    "status": "open",
                    "noted_on": "2026-12-01",
                    "noted_by": {
                        "type": "user",
                        "id": _ID,
                        "display_name": "百果园社区工作者",
                    },
                    "source": "application",
                    "source_id": _ID,
                    "note": None,
                    "status_changed_at": None,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="The need instance's id (plan items and referrals name it).")
    code: str = Field(description="A code of the `need` dictionary.")
    status: Annotated[str, CodeOf("need_status")] = Field(
        description="Dictionary `need_status`: `open`, `being_met`, `met` or `withdrawn`; "
        "the household's `needs` are the codes of its `open` and `being_met` instances."
    )
    noted_on: date = Field(description="The day it was noted.")
    noted_by: ActorRef = Field(description="Who noted it.")
    source: Annotated[str, CodeOf("need_source")] = Field(
        description="Dictionary `need_source`: the record, an application, a home visit, a "
        "discovery report, an import, or a legacy record."
    )
    source_id: uuid.UUID | None = Field(
        description="The application, home visit, report or import that noted it."
    )
    note: str | None = Field(description="A note (masked for roles that see masked data).")
    status_changed_at: datetime | None = Field(description="When its status last changed.")
