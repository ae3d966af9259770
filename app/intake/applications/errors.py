"""Errors of applications, each with a stable code and messages in both languages."""

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages


class ApplicationOpen(AppError):
    """409: the household has an application that is not final yet (one at a time): carry
    it on, or withdraw it first. Names nothing personal."""

    status = 409
    code = "application_open"


class AuthorisationRequired(AppError):
    """409: a proxy application is accepted only once the household's authorisation is in
    its file (a document of kind `authorisation`, not voided): attach it first."""

    status = 409
    code = "authorisation_required"


register_messages(
    {
        "authorisation_required": Message(
            "缺少授权委托书",
            "Authorisation required",
            "代理申请须在受理前将家庭的授权委托书上传至本户档案。",
            "A proxy application is accepted only once the household's authorisation is in "
            "its file; upload it first.",
        ),
        "application_open": Message(
            "该家庭已有办理中的申请",
            "Application already open",
            "该家庭已有一份尚未办结的申请；请继续办理，或先撤回。",
            "The household has an application that is not final yet; carry it on or "
            "withdraw it first.",
        ),
    }
)

register_field_messages(
    {
        "household_or_id": FieldMessage(
            "household_id 与 household 须且只能填写一项",
            "give either household_id or household, not both",
        ),
        "hardship_pair": FieldMessage(
            "hardship_kind 与 hardship_learned_on 须同时填写或同时不填",
            "give hardship_kind and hardship_learned_on together, or neither",
        ),
        "wrong_organization_kind": FieldMessage(
            "该单位不是此申请方式所要求的类别",
            "not an organisation of the kind this mode requires",
        ),
        "authorisation_missing": FieldMessage(
            "代理申请须有家庭授权委托书（未作废，且在本户档案中）",
            "a proxy application needs the household's authorisation (in its file, not voided)",
        ),
        "report_not_open": FieldMessage(
            "该线索已研判，不能再转为申请",
            "the report has been triaged already",
        ),
    }
)
