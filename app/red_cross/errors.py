"""Errors of the Red Cross aid, each with a stable code and messages in both languages."""

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages


class RedCrossOnly(AppError):
    """403: a department officer or partner system of an organisation that is not a Red
    Cross one asked for a quote: the aid is the Red Cross's (Yubei 3(3)1(3))."""

    status = 403
    code = "red_cross_only"


class OtherDistrictsTerms(AppError):
    """403: a district officer changes only its own district's terms."""

    status = 403
    code = "red_cross_terms_other_district"


class ConflictingTerms(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "conflicting_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "conflicting_from": "2026-01-01",
                    "conflicting_to": None,
                }
            ]
        }
    )

    conflicting_id: uuid.UUID = Field(
        description="The terms of the same district in force on a shared day."
    )
    conflicting_from: date = Field(description="Their first day in force.")
    conflicting_to: date | None = Field(
        description="Their last day in force (inclusive); null: open-ended."
    )


class TermsOverlap(AppError):
    """409: two terms of one district would be in force on the same day."""

    status = 409
    code = "red_cross_terms_overlap"
    members_model = ConflictingTerms

    def __init__(self, conflicting_id: uuid.UUID, start: date, end: date | None) -> None:
        super().__init__(
            members=ConflictingTerms(
                conflicting_id=conflicting_id, conflicting_from=start, conflicting_to=end
            )
        )


class TermsInUse(AppError):
    """409: a quote applied these terms, so their rate, cap and first day stay."""

    status = 409
    code = "red_cross_terms_in_use"


register_messages(
    {
        "red_cross_only": Message(
            "仅限红十字会",
            "Red Cross only",
            "大病救助测算仅限红十字会的工作人员和系统，以及镇街、社区工作人员；您所在的单位不是红十字会。",
            "Major-illness aid quotes are for the Red Cross's own staff and systems, and for "
            "street and community staff; your organisation is not a Red Cross organisation.",
        ),
        "red_cross_terms_other_district": Message(
            "不能修改其他区的救助标准",
            "Another district's terms",
            "区民政局工作人员只能修改本区的救助标准。",
            "A district officer changes only the terms of their own district.",
        ),
        "red_cross_terms_overlap": Message(
            "救助标准生效期重叠",
            "Aid terms overlap",
            "同一区已有救助标准（见 conflicting_id）在部分相同日期生效；请先调整其截止日期。",
            "Terms of the same district (see `conflicting_id`) are in force on some of the "
            "same days; end those first.",
        ),
        "red_cross_terms_in_use": Message(
            "救助标准已被使用",
            "Aid terms in use",
            "已有测算使用了该救助标准，其比例、年度上限和起始日期不能再修改；只能调整截止日期，"
            "并新建下一期标准。",
            "A quote applied these terms, so their rate, cap and first day no longer change; "
            "end them and create the next terms instead.",
        ),
    }
)

register_field_messages(
    {
        "exceeds_total_cost": FieldMessage(
            "政策范围内费用不能超过医疗总费用", "the in-scope amount exceeds the total cost"
        ),
        "exceeds_in_scope": FieldMessage(
            "医保报销与医疗救助之和不能超过政策范围内费用",
            "the insurance reimbursement and the medical assistance together exceed the "
            "in-scope amount",
        ),
        "rate_format": FieldMessage(
            '救助比例应为 0 至 100 之间的百分数，最多两位小数（如 "50.00"）',
            'the rate is a percent from 0 to 100 with at most two places ("50.00")',
        ),
    }
)
