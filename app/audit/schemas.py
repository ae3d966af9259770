import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.actors import ActorRef
from app.core.audit import AuditOutcome
from app.core.permissions import Role


class AuditEventOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e14",
                    "occurred_at": "2026-11-23T08:00:00Z",
                    "actor": {
                        "type": "user",
                        "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                        "display_name": "系统管理员",
                    },
                    "role": "admin",
                    "action": "user.update",
                    "object_type": "user",
                    "object_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e15",
                    "region_code": "500112001",
                    "request_id": "0f4b6c1e9d8a4c7fb1f0a2e3d4c5b6a7",
                    "address": "10.0.0.8",
                    "user_agent": "Mozilla/5.0",
                    "outcome": "success",
                    "changed_fields": ["active"],
                    "seal_seq": 42,
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Event id.")
    occurred_at: datetime = Field(description="When it happened (UTC).")
    actor: ActorRef | None = Field(
        description="Who acted (a user, a partner system, or the system for commands and "
        "upkeep); null for anonymous attempts (failed sign-ins)."
    )
    role: Role | None = Field(description="The actor's role at the time.")
    action: str = Field(description="What was done, e.g. `user.update`, `auth.login`.")
    object_type: str | None = Field(description="Kind of object acted on.")
    object_id: str | None = Field(description="Id of the object acted on.")
    region_code: str | None = Field(description="Region of the object, for scoping.")
    request_id: str | None = Field(description="Request id, to find the log lines.")
    address: str | None = Field(
        description="Client address (behind trusted proxies: the forwarded one)."
    )
    user_agent: str | None = Field(description="Client user agent, truncated.")
    outcome: AuditOutcome = Field(description="`success`, `denied` or `failed`.")
    changed_fields: list[str] = Field(description="Names of changed fields; never their values.")
    seal_seq: int | None = Field(
        description="Position in the hash chain; null until the worker seals it."
    )
