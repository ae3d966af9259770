"""Errors of policy versions, each with a stable code and messages in both languages."""

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages
from app.core.transitions import AllowedActions


class ConflictingVersion(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conflicting_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "conflicting_from": "2025-01-01",
                    "conflicting_to": "2025-12-31",
                }
            ]
        }
    )

    conflicting_id: uuid.UUID = Field(
        description="The published version of the same region whose window overlaps."
    )
    conflicting_from: date = Field(description="Its first day in force.")
    conflicting_to: date | None = Field(
        description="Its last day in force (inclusive); null: open-ended."
    )


class PolicyOverlap(AppError):
    """409: publishing would put two published versions of one region in force on the same
    day; `conflicting_id` names the one already published (end or retire it first)."""

    status = 409
    code = "policy_overlap"
    members_model = ConflictingVersion

    def __init__(self, conflicting_id: uuid.UUID, start: date, end: date | None) -> None:
        super().__init__(
            members=ConflictingVersion(
                conflicting_id=conflicting_id, conflicting_from=start, conflicting_to=end
            ),
        )


register_messages(
    {
        "policy_overlap": Message(
            "政策版本生效期重叠",
            "Policy versions overlap",
            "同一区划已发布的政策版本（见 conflicting_id）与本版本的生效期重叠；"
            "请调整本版本的生效期，或先停用该版本。",
            "A published version of the same region (see `conflicting_id`) is in force on some "
            "of the same days; change this version's window or retire that one first.",
        ),
    }
)

register_field_messages(
    {
        "weights_total": FieldMessage(
            "各项评分权重之和须为 100（现为 {total}）",
            "the weights must add up to 100 (they add up to {total})",
        ),
        "multiplier_order": FieldMessage(
            "倍数须满足：收入下限 ≤ 收入型上限 ≤ 支出型上限",
            "the multipliers must satisfy floor <= income ceiling <= expenditure ceiling",
        ),
    }
)


class PolicyNotDraft(AppError):
    """409: only a draft changes; a published version is final (it may only be retired) and a
    retired one is history. `allowed` lists the actions its status allows."""

    status = 409
    code = "policy_not_draft"
    members_model = AllowedActions

    def __init__(self, state: str, allowed: list[str]) -> None:
        super().__init__(params={"state": state}, members=AllowedActions(allowed=allowed))


register_messages(
    {
        "policy_not_draft": Message(
            "政策版本已发布，不能修改",
            "Policy version is final",
            "该政策版本状态为 {state}，只有草稿可以修改；已发布的版本只能停用。",
            "The policy version is {state}; only a draft changes. A published version can "
            "only be retired.",
        ),
    }
)
