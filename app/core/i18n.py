"""Problem titles and details in zh-CN (default) and en.

Every stable error code has a title and a detail template in both languages.
Domains add their own codes with `register_messages` at import time.
"""

from dataclasses import dataclass
from typing import Literal

Language = Literal["zh-CN", "en"]
DEFAULT_LANGUAGE: Language = "zh-CN"


@dataclass(frozen=True, slots=True)
class Message:
    title_zh: str
    title_en: str
    detail_zh: str
    detail_en: str


_MESSAGES: dict[str, Message] = {}


def register_messages(messages: dict[str, Message]) -> None:
    duplicated = _MESSAGES.keys() & messages.keys()
    if duplicated:
        raise ValueError(f"error codes registered twice: {sorted(duplicated)}")
    _MESSAGES.update(messages)


def negotiate_language(accept_language: str | None) -> Language:
    """Pick zh-CN or en from an Accept-Language header, by q-value.

    Any English tag selects en; anything else (or nothing) is zh-CN.
    """
    if not accept_language:
        return DEFAULT_LANGUAGE
    best: tuple[float, Language] = (-1.0, DEFAULT_LANGUAGE)
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.lower().startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        tag = tag.strip().lower()
        language: Language | None = (
            "en" if tag.startswith("en") else "zh-CN" if tag.startswith("zh") else None
        )
        if language is not None and quality > 0 and quality > best[0]:
            best = (quality, language)
    return best[1]


def message_for(code: str) -> Message:
    return _MESSAGES.get(code) or _MESSAGES["internal_error"]


def render(code: str, language: Language, params: dict[str, object]) -> tuple[str, str]:
    """Title and detail of an error code in a language, with parameters filled in."""
    message = message_for(code)
    if language == "en":
        return message.title_en, message.detail_en.format(**params)
    return message.title_zh, message.detail_zh.format(**params)


def known_codes() -> frozenset[str]:
    return frozenset(_MESSAGES)


register_messages(
    {
        "internal_error": Message(
            "服务器内部错误",
            "Internal server error",
            "服务器处理请求时发生意外错误，请凭请求编号联系管理员。",
            "An unexpected error occurred; quote the request id when you report it.",
        ),
        "route_not_found": Message(
            "路径不存在",
            "Not found",
            "没有这个接口路径。{hint}",
            "No endpoint answers at this path.{hint}",
        ),
        "not_found": Message(
            "对象不存在",
            "Not found",
            "找不到所请求的{object}，或您无权查看。",
            "The requested {object} does not exist or is not visible to you.",
        ),
        "method_not_allowed": Message(
            "方法不允许",
            "Method not allowed",
            "该路径不支持 {method} 方法。",
            "This path does not accept the {method} method.",
        ),
        "validation_failed": Message(
            "请求参数不正确",
            "Invalid request",
            "请求中有 {count} 处错误，详见 errors。",
            "The request has {count} error(s); see errors.",
        ),
        "malformed_body": Message(
            "请求体无法解析",
            "Malformed request body",
            "请求体无法解析：须为 UTF-8 编码的合法 JSON（不含 NaN、重复的键、U+0000 或单独的代理字符，"
            "嵌套不过深），或格式正确的表单。",
            "The request body cannot be parsed: it must be valid UTF-8 JSON (without NaN, duplicate "
            "keys, U+0000 or lone surrogates, not nested too deeply) or a well-formed form.",
        ),
        "host_not_allowed": Message(
            "主机名不被接受",
            "Host not allowed",
            "本服务不以请求头 Host 中的主机名提供服务。",
            "This service does not answer to the host named in the Host header.",
        ),
        "payload_too_large": Message(
            "请求体过大",
            "Payload too large",
            "此接口的请求体不能超过 {limit} 字节。",
            "The request body of this endpoint may not exceed {limit} bytes.",
        ),
        "unsupported_media_type": Message(
            "不支持的媒体类型",
            "Unsupported media type",
            "此接口只接受 {expected}。",
            "This endpoint accepts {expected} only.",
        ),
        "if_match_required": Message(
            "缺少 If-Match",
            "If-Match required",
            "修改此对象须带上 If-Match 请求头（取自 ETag），以免覆盖他人的修改。",
            "Send the object's ETag in If-Match so that no one else's change is overwritten.",
        ),
        "version_mismatch": Message(
            "版本已变化",
            "Precondition failed",
            "对象已被他人修改（当前版本 {current}），请重新读取后再提交。",
            "The object has changed since you read it (now version {current}); read it again.",
        ),
        "idempotency_key_required": Message(
            "缺少幂等键",
            "Idempotency-Key required",
            "此接口要求 Idempotency-Key 请求头。",
            "This endpoint requires an Idempotency-Key header.",
        ),
        "idempotency_key_reused": Message(
            "幂等键已用于其他请求",
            "Idempotency-Key reused",
            "该 Idempotency-Key 已用于内容不同的请求。",
            "This Idempotency-Key was already used with a different request.",
        ),
        "idempotency_in_progress": Message(
            "相同请求正在处理",
            "Request in progress",
            "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。",
            "A request with this Idempotency-Key is still being processed; retry later.",
        ),
        "integrity_conflict": Message(
            "数据冲突",
            "Conflict",
            "提交时与现有数据冲突，未作任何修改。",
            "The change conflicts with existing data; nothing was changed.",
        ),
        "database_unavailable": Message(
            "数据库暂不可用",
            "Service unavailable",
            "数据库暂时无法处理请求，未作任何修改，请稍后重试。",
            "The database could not process the request; nothing was changed. Retry later.",
        ),
        "http_error": Message(
            "请求无法处理",
            "Request not processed",
            "服务器以 HTTP {status}（{phrase}）拒绝了此请求。",
            "The request was refused with HTTP {status} ({phrase}).",
        ),
        "forbidden": Message(
            "无权操作",
            "Forbidden",
            "您的角色不能执行此操作。",
            "Your role may not perform this action.",
        ),
        "unauthorized": Message(
            "未认证",
            "Unauthorized",
            "需要有效的访问令牌。",
            "A valid access token is required.",
        ),
    }
)
