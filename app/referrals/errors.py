"""Errors of referrals and their routing table, with messages in both languages."""

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages


class RouteExists(AppError):
    """409: the need already goes to organisations of that kind; change that rule instead."""

    status = 409
    code = "referral_route_exists"


class ReferralAlreadyOpen(AppError):
    """409: the household's need of that code is already referred to that organisation and
    the referral is open; a second one would only be a twin of it."""

    status = 409
    code = "referral_already_open"


register_messages(
    {
        "referral_already_open": Message(
            "已有进行中的转介",
            "Referral already open",
            "该家庭此项需求已转介至该单位且尚未办结，请跟进原转介。",
            "The household's need is already referred to this organisation and still open; "
            "follow that referral instead.",
        ),
        "referral_route_exists": Message(
            "该转介规则已存在",
            "Referral route exists",
            "该需求已有转介至此类单位的规则；请修改原规则。",
            "The need already goes to organisations of this kind; change that rule instead.",
        ),
    }
)

register_field_messages(
    {
        "organization_not_of_kind": FieldMessage(
            "该单位不属于此类别", "the organisation is not of this kind"
        ),
        "need_not_live": FieldMessage(
            "该需求已满足或已撤销，不能再转介",
            "the need has been met or withdrawn; it is not referred any more",
        ),
        "not_a_receiver": FieldMessage(
            "该单位类别不接收转介", "organisations of this kind do not receive referrals"
        ),
        "no_default_receiver": FieldMessage(
            "该家庭所在区划未设置默认承接单位（{kind}），请指定接收单位",
            "no default {kind} is set for the household's region; name the receiver",
        ),
        "own_organization": FieldMessage(
            "不能转介给本单位", "a referral cannot be addressed to your own organisation"
        ),
        "receiver_not_serving": FieldMessage(
            "该单位不服务该家庭所在区划", "the organisation does not serve the household's region"
        ),
    }
)
