"""Errors of the ledger, each with a stable code and messages in both languages."""

import uuid

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from app.core.errors import AppError, PayloadTooLarge, SizeLimit
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages

_HOUSEHOLD_ID = "0193a4c2-5b1e-7c3d-9f00-4d2e8a6b1c27"


class OtherHousehold(BaseModel):
    """Where the person is a member already: present only when the caller may see it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"household_id": _HOUSEHOLD_ID, "region_code": "500112001001001"}]
        }
    )

    household_id: uuid.UUID | SkipJsonSchema[None] = Field(
        default=None, description="The household; absent when you may not see it."
    )
    region_code: str | SkipJsonSchema[None] = Field(
        default=None, description="Its region; absent when you may not see the household."
    )


class PersonInAnotherHousehold(AppError):
    """409: the ID number is already an active member of a household (DOMAIN 4).

    The other household is named (`household_id`, `region_code`) only when the
    caller may see it; otherwise the body does not carry those members at all.
    """

    status = 409
    code = "person_already_in_household"
    members_model = OtherHousehold

    def __init__(
        self, household_id: uuid.UUID | None = None, region_code: str | None = None
    ) -> None:
        visible = household_id is not None
        super().__init__(
            params={
                "where_zh": f"（{region_code}）" if visible else "",
                "where_en": f" ({region_code})" if visible else "",
            },
            members=OtherHousehold(household_id=household_id, region_code=region_code)
            if visible
            else OtherHousehold(),
        )


class ExitedHousehold(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"household_id": _HOUSEHOLD_ID}]})

    household_id: uuid.UUID = Field(description="The household that has left the ledger.")


class HouseholdExited(AppError):
    """409: the household has left the ledger (退出): it takes no new members, transfers in,
    measures, plan versions, assignments or pairing until it re-enters (`household_id`
    names it)."""

    status = 409
    code = "household_exited"
    members_model = ExitedHousehold

    def __init__(self, household_id: uuid.UUID) -> None:
        super().__init__(members=ExitedHousehold(household_id=household_id))


class DeclinedHousehold(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"household_id": _HOUSEHOLD_ID}]})

    household_id: uuid.UUID = Field(description="The applicant household that was declined.")


class HouseholdDeclined(AppError):
    """409: the household was an applicant whose application was rejected or withdrawn
    before acceptance (DOMAIN 6): it never entered the ledger and takes no changes, like an
    exited one (`household_id` names it)."""

    status = 409
    code = "household_declined"
    members_model = DeclinedHousehold

    def __init__(self, household_id: uuid.UUID) -> None:
        super().__init__(members=DeclinedHousehold(household_id=household_id))


class CurrentHousehold(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"household_id": _HOUSEHOLD_ID, "region_code": "500112001001001"}]
        }
    )

    household_id: uuid.UUID | None = Field(
        description="The household the person is in now; null when you may not see it."
    )
    region_code: str | None = Field(
        description="Its region; null when you may not see the household."
    )


class PersonMoved(AppError):
    """409: the person is no longer an active member of the household a transfer names as
    its origin (another change moved them first). `household_id` and `region_code` say
    where the person is now when the caller may see that household, else they are null."""

    status = 409
    code = "person_moved"
    members_model = CurrentHousehold

    def __init__(self, household_id: uuid.UUID | None, region_code: str | None) -> None:
        super().__init__(
            members=CurrentHousehold(household_id=household_id, region_code=region_code)
        )


class PlanNotFound(AppError):
    """404: the household is visible to the caller but has no plan yet (its first `PUT`
    creates one). A household out of reach is the ordinary `not_found`, so this code tells
    nothing about households the caller may not see."""

    status = 404
    code = "plan_not_found"


class TooManyLookups(AppError):
    """429: the account has used its lookups by ID number for this minute; `Retry-After` says
    when the next one is allowed (`person_lookups_per_minute`)."""

    status = 429
    code = "too_many_person_lookups"

    def __init__(self, retry_after: int) -> None:
        super().__init__(headers={"Retry-After": str(retry_after)})


register_messages(
    {
        "plan_not_found": Message(
            "尚无帮扶方案",
            "No plan yet",
            "该家庭还没有帮扶方案；用 PUT 提交第一版即可创建（无需 If-Match）。",
            "The household has no plan yet; PUT the first version to create it (no If-Match).",
        ),
        "household_declined": Message(
            "该申请家庭未被受理",
            "Applicant household declined",
            "该家庭的申请未被受理或已撤回，家庭未纳入台账，不能再修改。",
            "The household's application was rejected or withdrawn before acceptance: it "
            "never entered the ledger and takes no changes.",
        ),
        "household_exited": Message(
            "该家庭已退出台账",
            "Household has left the ledger",
            "该家庭已退出台账，不能再增加成员、迁入人员或登记帮扶；如需继续帮扶，请先重新纳入台账（reentry）。",
            "The household has left the ledger: it takes no new members, transfers in or "
            "measures; re-enter it first (reentry).",
        ),
        "person_moved": Message(
            "此人已不在原家庭中",
            "Person no longer in that household",
            "此人已不是所述原家庭的在册成员（已被其他操作迁出或移除）；当前所在家庭见 household_id（无权查看时为空）。",
            "The person is no longer an active member of the household given as the origin "
            "(another change moved them first); see household_id for where they are now "
            "(null when you may not see it).",
        ),
        "too_many_person_lookups": Message(
            "查询过于频繁",
            "Too many person lookups",
            "本账号本分钟按身份证号查询或登记的次数已用完；请按 Retry-After 所示秒数后再试。",
            "This account has used its lookups by ID number for this minute; "
            "try again after the seconds in Retry-After.",
        ),
        "person_already_in_household": Message(
            "此人已在其他家庭中",
            "Person already in a household",
            "该身份证号已是台账中一户家庭的在册成员{where}；请使用迁移（transfer）而不是重复登记，此人在其他街道时请提交迁移申请（transfer-requests）。",
            "This ID number is already an active member of a household{where}; transfer the person "
            "instead of adding a copy (from another street: file a transfer request).",
        ),
    }
)


class AcceptedTypes(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"allowed": ["application/pdf", "image/jpeg"]}]}
    )

    allowed: list[str] = Field(description="The media types a document may be.")


class DocumentTypeNotAllowed(AppError):
    """415: the file's bytes are not of a type the household's file takes (`allowed`); its
    name and the Content-Type the client gave are not believed."""

    status = 415
    code = "document_type_not_allowed"
    members_model = AcceptedTypes

    def __init__(self, allowed: list[str]) -> None:
        super().__init__(members=AcceptedTypes(allowed=allowed))


class DocumentTooLarge(PayloadTooLarge):
    """413: the document is larger than `SANZHU_DOCUMENT_MAX_BYTES` (`limit`)."""

    code = "document_too_large"
    members_model = SizeLimit

    def __init__(self, limit: int) -> None:
        super().__init__(params={"limit": limit}, members=SizeLimit(limit=limit))


class IdImageWithheld(AppError):
    """403: the document's kind holds an ID image, and the caller sees ID numbers masked."""

    status = 403
    code = "id_image_withheld"


register_messages(
    {
        "document_type_not_allowed": Message(
            "不支持的文件类型",
            "File type not accepted",
            "档案材料只接受 PDF、JPEG、PNG 或 WebP 文件（按文件内容识别，不看文件名），见 allowed。",
            "The household's file takes PDF, JPEG, PNG or WebP files only (recognised from "
            "the content, not the name); see `allowed`.",
        ),
        "document_too_large": Message(
            "文件过大",
            "File too large",
            "档案材料不能超过 {limit} 字节；请压缩或分开上传。",
            "A document may not exceed {limit} bytes; compress it or upload it in parts.",
        ),
        "id_image_withheld": Message(
            "无权查看证件图片",
            "ID images withheld",
            "此材料含身份证件号码，您的角色只能看到脱敏的证件号码，不能查看此材料。",
            "This document shows an ID number; your role sees ID numbers masked only and "
            "may not be served it.",
        ),
    }
)

register_field_messages(
    {
        "not_a_member": FieldMessage(
            "不是本户的在册成员", "not an active member of this household"
        ),
        "head_exists": FieldMessage(
            "本户已有户主，请在户上更换户主",
            "the household has a head; change the head on the household",
        ),
        "is_head": FieldMessage(
            "此人是户主（与户主关系为“本人”），请先在户上指定另一名户主",
            "the head's relation is self; name another head on the household first",
        ),
        "not_the_head": FieldMessage("此人不是户主", "the person is not the head"),
        "head_count": FieldMessage(
            "每户必须有且仅有一名户主（与户主关系为“本人”）",
            "exactly one member is the head (relation_to_head `self`)",
        ),
        "requires_head_change": FieldMessage(
            "只有在 head_person_id 指定另一名成员且有原户主时才可填写",
            "only when head_person_id names another member and there is a former head",
        ),
        "same_household": FieldMessage("这是此人要离开的那一户", "the household the person leaves"),
        "membership_overlap": FieldMessage(
            "此人在 {until} 之前是另一户的成员",
            "the person was a member of a household until {until}",
        ),
        "membership_active": FieldMessage(
            "成员关系尚未结束；请通过移除成员来结束",
            "the membership has not ended; end it by removing the member",
        ),
        "region_level": FieldMessage(
            "家庭所属区划须为社区或网格", "a household lives in a community or a grid"
        ),
        "region_out_of_scope": FieldMessage(
            "区划不在您的管辖范围内", "the region is outside your jurisdiction"
        ),
        "subtype_mismatch": FieldMessage(
            "困难子类与困难类别不对应", "the subtype belongs to another category"
        ),
        "sex_mismatch": FieldMessage("性别与身份证号不一致", "does not match the ID number"),
        "birth_date_mismatch": FieldMessage(
            "出生日期与身份证号不一致", "does not match the ID number"
        ),
        "division_code_invalid": FieldMessage(
            "不是有效的行政区划代码", "not a national administrative division code"
        ),
        "category_not_plausible": FieldMessage(
            "类别 {category} 要求 {rule} 为 {threshold}，此人为 {actual}",
            "{category} requires {rule} {threshold}; the person has {actual}",
        ),
        "unknown_plan_item": FieldMessage(
            "不是本户当前计划中的一项", "not an item of the household's current plan"
        ),
        "items_or_texts": FieldMessage(
            "items 与 planned_measures 只能填写其一", "give items or planned_measures, not both"
        ),
        "not_an_agency_worker": FieldMessage(
            "不是该机构在职的社会工作者", "not an active social worker of that agency"
        ),
        "not_a_street_worker": FieldMessage(
            "不是本街道在职的社区工作者或网格员",
            "not an active community or grid worker of this street",
        ),
        "urban_hukou_required": FieldMessage(
            "{target_type} 要求城镇户籍（渝北 3(1)）",
            "{target_type} requires urban hukou (Yubei 3(1))",
        ),
        "target_type_in_force": FieldMessage(
            "{target_type} 的认定仍然有效；请先终止再另行记录",
            "a decision for {target_type} is in force; end it before recording another",
        ),
        "target_types_exclusive": FieldMessage(
            "{target_type} 与 {other} 互斥；请先终止 {other} 的认定",
            "{target_type} and {other} exclude each other; end the {other} decision first",
        ),
        "registered_type_held": FieldMessage(
            "本户已有 {held} 认定：新类型只适用于未认定低保、特困和登记困难的家庭（渝北 3(1)）",
            "the household holds {held}: the new types are for households holding none of dibao, "
            "tekun and registered hardship (Yubei 3(1))",
        ),
    }
)
