"""Who did something, as every response names it: one shape for every actor reference.

History entries, audit events, plans, assignments, pairings and imports all name the
user, partner system or command that acted the same way, `{type, id, display_name}`,
resolved in one query per page (never one per row). A user's id is what
`GET /api/v1/staff/{id}` takes.
"""

import uuid
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class ActorType(StrEnum):
    user = "user"
    api_client = "api_client"
    system = "system"


class ActorRef(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "user",
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "display_name": "双龙湖街道干部",
                }
            ]
        }
    )

    type: ActorType = Field(
        description="`user` (a person; its id is a staff id), `api_client` (a partner system) "
        "or `system` (a command run by an operator, an upkeep task)."
    )
    id: uuid.UUID | None = Field(description="The user's or client's id; null for `system`.")
    display_name: str | None = Field(
        description="The user's display name or the client's name; null for `system`."
    )


def parse_actor(value: str | uuid.UUID | None) -> tuple[ActorType, uuid.UUID | None]:
    """An actor as stored: a user id, or the audit context's `user:<id>` / `client:<id>`;
    anything else (`cli`, none) is the system."""
    if isinstance(value, uuid.UUID):
        return ActorType.user, value
    if value is not None:
        kind, _, raw = value.partition(":")
        try:
            if kind == "user":
                return ActorType.user, uuid.UUID(raw)
            if kind == "client":
                return ActorType.api_client, uuid.UUID(raw)
        except ValueError:
            pass
    return ActorType.system, None


M = TypeVar("M", bound=BaseModel)


def shaped(model: type[M], row: Any, **overrides: Any) -> M:
    """`model` from a row's attributes, with some fields given instead (an actor reference
    where the row holds an id)."""
    data = {name: getattr(row, name) for name in model.model_fields if name not in overrides}
    return model.model_validate({**data, **overrides})
