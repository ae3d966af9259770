"""Token-endpoint errors: RFC 6749 5.2 `error` members plus problem details."""

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import AppError
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.i18n import Message, register_messages


class OAuthMembers(BaseModel):
    """RFC 6749 section 5.2's members, besides the problem's."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"error": "invalid_grant", "error_description": "invalid credentials"}]
        }
    )

    error: str = Field(description="The RFC 6749 error code, the same as `code`.")
    error_description: str = Field(description="What went wrong, in English.")


class OAuthError(AppError):
    status = 400
    code = "invalid_request"
    members_model = OAuthMembers

    def __init__(self, description: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(
            members=OAuthMembers(error=self.code, error_description=description),
            headers={"Cache-Control": "no-store", **(headers or {})},
        )


class InvalidRequest(OAuthError):
    code = "invalid_request"


class InvalidGrant(OAuthError):
    code = "invalid_grant"


class InvalidClient(OAuthError):
    status = 401
    code = "invalid_client"

    def __init__(self, description: str = "client authentication failed") -> None:
        super().__init__(description, headers={"WWW-Authenticate": 'Basic realm="sanzhu"'})


class UnsupportedGrantType(OAuthError):
    code = "unsupported_grant_type"


class WrongPassword(AppError):
    status = 403
    code = "wrong_password"


class TooManyFailedAttempts(AppError):
    """The account's password failures (sign-in and password change together) locked it."""

    status = 429
    code = "too_many_failed_attempts"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(headers={"Retry-After": str(retry_after_seconds)})


register_messages(
    {
        "invalid_request": Message(
            "请求不完整",
            "Invalid request",
            "令牌请求缺少参数或参数不正确。",
            "The token request is missing or has a malformed parameter.",
        ),
        "invalid_grant": Message(
            "用户名或密码不正确",
            "Invalid grant",
            "用户名或密码不正确，或令牌已失效。",
            "Wrong username or password, or the token is no longer valid.",
        ),
        "invalid_client": Message(
            "客户端认证失败",
            "Invalid client",
            "客户端编号或密钥不正确，或客户端已停用。",
            "Unknown client, wrong secret, or the client is inactive.",
        ),
        "unsupported_grant_type": Message(
            "不支持的授权方式",
            "Unsupported grant type",
            "只支持 password、client_credentials 授权方式。",
            "Only the password and client_credentials grants are supported.",
        ),
        "wrong_password": Message(
            "原密码不正确", "Wrong password", "原密码不正确。", "The current password is wrong."
        ),
        "too_many_failed_attempts": Message(
            "密码错误次数过多",
            "Too many failed attempts",
            "密码错误次数过多，账号已暂时锁定，请稍后再试。",
            "Too many wrong passwords: the account is locked for a while; try again later.",
        ),
    }
)

register_field_messages(
    {
        "password_too_short": FieldMessage(
            "密码不能少于 {min_length} 个字符", "must be at least {min_length} characters"
        ),
        "password_common": FieldMessage(
            "是最常见的密码之一", "is one of the most common passwords"
        ),
        "password_contains_username": FieldMessage(
            "不能包含用户名", "must not contain the username"
        ),
        "password_too_simple": FieldMessage(
            "使用的不同字符太少", "uses too few different characters"
        ),
        "scope_mismatch": FieldMessage(
            "与角色 {role} 不相符（管辖范围须为该角色的区划层级，社会工作者和部门人员须属于机构，partner 只用于 API 客户端）",
            "does not fit the role {role} (a scope of the role's region level; an organization for "
            "social workers and department officers; partner is for API clients only)",
        ),
    }
)
