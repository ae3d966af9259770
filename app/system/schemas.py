from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"] = Field(description="Always `ok` while the process serves requests.")


class Check(BaseModel):
    name: Literal["database", "migrations"] = Field(description="What was checked.")
    ok: bool = Field(description="Whether the check passed.")
    detail: str = Field(description="What was found.")


class Readiness(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "ready",
                    "checks": [
                        {"name": "database", "ok": True, "detail": "reachable"},
                        {"name": "migrations", "ok": True, "detail": "at head 20261123_0001"},
                    ],
                    "warnings": [
                        "working-day calendar for 2027 is not loaded: deadlines in 2027 are provisional"
                    ],
                }
            ]
        }
    )

    status: Literal["ready", "unavailable"] = Field(
        description="`ready` when every check passed (200), else `unavailable` (503)."
    )
    checks: list[Check] = Field(description="Each check and its result.")
    warnings: list[str] = Field(
        description="Conditions that do not stop service but need an administrator."
    )
