"""Errors of consents, each with a stable code and messages in both languages."""

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages


class ConsentWithdrawn(AppError):
    """409: the consent was withdrawn already; a withdrawal is recorded once."""

    status = 409
    code = "consent_withdrawn"


register_messages(
    {
        "consent_withdrawn": Message(
            "同意已撤回",
            "Consent already withdrawn",
            "该同意已被撤回，不能再次撤回。如家庭重新同意，请另行登记。",
            "This consent was withdrawn already. If the household consents again, record a "
            "new consent.",
        )
    }
)

register_field_messages(
    {
        "consent_not_needed": FieldMessage(
            "该单位是政府部门，向其提供信息无需单独同意",
            "a government department: providing data to it needs no separate consent",
        ),
        "guardian_only": FieldMessage(
            "仅在由监护人同意时填写", "only given when the guardian consents (by_guardian)"
        ),
        "before_given": FieldMessage("不能早于同意日期", "may not be before the day given"),
    }
)
