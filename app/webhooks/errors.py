"""Errors of webhooks, each with a stable code and messages in both languages."""

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages


class DeliveryNotFinished(AppError):
    """409: only a delivered, failed or cancelled delivery is replayed; one still pending or
    being sent will be tried anyway."""

    status = 409
    code = "webhook_delivery_not_finished"

    def __init__(self, state: str) -> None:
        super().__init__(params={"state": state})


class SubscriptionDisabled(AppError):
    """409: a disabled subscription's deliveries are not replayed; enable it first."""

    status = 409
    code = "webhook_subscription_disabled"


register_messages(
    {
        "webhook_delivery_not_finished": Message(
            "投递尚未结束",
            "Delivery not finished",
            "该投递的状态为 {state}，仍会自动重试，无需重放。",
            "The delivery is {state}: it will still be tried; there is nothing to replay.",
        ),
        "webhook_subscription_disabled": Message(
            "订阅已停用",
            "Subscription disabled",
            "该订阅已停用，其投递不会重放；请先启用订阅（active: true）。",
            "The subscription is disabled, so its deliveries are not replayed; enable it "
            "first (`active: true`).",
        ),
    }
)

_ADDRESS = (
    "目标地址解析到 {address}，属于{kind_zh}地址，不允许作为回调地址",
    "the target resolves to {address}, a {kind_en} address, which webhooks may not reach",
)


def _address(kind_zh: str, kind_en: str) -> FieldMessage:
    return FieldMessage(
        _ADDRESS[0].replace("{kind_zh}", kind_zh), _ADDRESS[1].replace("{kind_en}", kind_en)
    )


register_field_messages(
    {
        "target_malformed": FieldMessage("不是有效的 URL", "not a usable URL"),
        "target_scheme": FieldMessage(
            "回调地址须使用 {allowed} 协议", "the target must use {allowed}"
        ),
        "target_credentials": FieldMessage(
            "回调地址不得包含用户名或密码", "the target must not carry a user name or password"
        ),
        "target_fragment": FieldMessage(
            "回调地址不得包含片段（#）", "the target must not carry a fragment (#)"
        ),
        "target_unresolvable": FieldMessage(
            "无法解析主机名 {host}", "the host name {host} does not resolve"
        ),
        "target_unspecified": _address("未指定", "unspecified"),
        "target_loopback": _address("环回", "loopback"),
        "target_link_local": _address("链路本地", "link-local"),
        "target_multicast": _address("组播", "multicast"),
        "target_private": _address("内网", "private"),
        "target_reserved": _address("保留", "reserved"),
        "target_not_global": _address("非公网", "non-global"),
        "organization_not_yours": FieldMessage(
            "合作方只能为本机构订阅", "a partner subscribes for its own organisation only"
        ),
    }
)
