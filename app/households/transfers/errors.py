"""Errors of transfer requests, each with a stable code and messages in both languages."""

from app.core.errors import AppError
from app.core.i18n import Message, register_messages


class PersonNotInLedger(AppError):
    """409: the ID number is an active member of no household; add the person instead."""

    status = 409
    code = "person_not_in_ledger"


class TransferRequestPending(AppError):
    """409: a transfer request for this person is pending already (one at a time)."""

    status = 409
    code = "transfer_request_pending"


class TransferTargetNotActive(AppError):
    """409: the household the request moves the person into has left the ledger since the
    request was filed; the request can only be refused or cancelled."""

    status = 409
    code = "transfer_target_not_active"


register_messages(
    {
        "person_not_in_ledger": Message(
            "此人不在台账中",
            "Person not in the ledger",
            "该身份证号不是台账中任何家庭的在册成员；请直接添加为家庭成员，无需迁移。",
            "This ID number is an active member of no household; add the person as a member "
            "instead of asking for a transfer.",
        ),
        "transfer_request_pending": Message(
            "已有待处理的迁移申请",
            "A transfer request is pending",
            "此人已有一份待答复的迁移申请；待其办结或撤回后再申请。",
            "A transfer request for this person is pending; file another once it is answered "
            "or cancelled.",
        ),
        "transfer_target_not_active": Message(
            "迁入家庭已退出台账",
            "Receiving household has left the ledger",
            "申请迁入的家庭已退出台账，不能办理迁入；请拒绝该申请或由申请方撤回。",
            "The household the person would move into has left the ledger; refuse the request "
            "or let the requester cancel it.",
        ),
    }
)
