import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    WithJsonSchema,
    field_validator,
)

from app.core.config import PASSWORD_FLOOR
from app.core.field_messages import field_error
from app.core.permissions import Role
from app.core.region_codes import CODE_PATTERN
from app.identity.rules import USERNAME_PATTERN


def _floor(password: SecretStr) -> SecretStr:
    if len(password.get_secret_value()) < PASSWORD_FLOOR:
        raise field_error("password_too_short", min_length=PASSWORD_FLOOR)
    return password


NewPassword = Annotated[
    SecretStr,
    AfterValidator(_floor),
    Field(json_schema_extra={"minLength": PASSWORD_FLOOR}),
]
"""A password being set: the contract states the floor every deployment enforces."""
_PASSWORD_RULES = (
    f" At least {PASSWORD_FLOOR} characters and as many as the deployment's "
    "`password_min_length` (10 by default), else `password_too_short`; not a common password, "
    "without the username, at least 4 different characters."
)

UserRole = Annotated[
    Role,
    WithJsonSchema(
        {"type": "string", "enum": [role.value for role in Role if role is not Role.partner]},
        mode="validation",
    ),
]
"""A role a user account may hold: `partner` is only for API clients, so a request's
contract does not offer it (the server refuses it, `identity.rules`)."""

_USER_EXAMPLE: dict[str, Any] = {
    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
    "username": "street_officer",
    "display_name": "李华",
    "phone": "13800138000",
    "role": "street_officer",
    "scope_region_code": "500112001",
    "organization_id": None,
    "active": True,
    "confidentiality_signed_at": None,
    "version": 1,
    "created_at": "2026-11-23T08:00:00Z",
}


class TokenOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJFUzI1NiIsImtpZCI6Ii4uLiJ9...",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "3q2-7wQm...",
                    "role": "street_officer",
                    "scope": "500112001",
                }
            ]
        }
    )

    access_token: str = Field(description="Bearer token for the Authorization header (ES256 JWT).")
    token_type: Literal["bearer"] = Field(description="Always `bearer`.")
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str | None = Field(
        description="Opaque, single-use refresh token (people only); rotate it with POST /auth/refresh."
    )
    role: Role = Field(description="Role the token carries.")
    scope: str | None = Field(description="Region code of the caller's scope, if any.")


class RefreshIn(BaseModel):
    refresh_token: str = Field(
        min_length=10, max_length=200, description="The refresh token to use (or revoke)."
    )


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_USER_EXAMPLE]})

    id: uuid.UUID = Field(description="User id.")
    username: str = Field(description="Sign-in name.")
    display_name: str = Field(description="Name shown to colleagues.")
    phone: str | None = Field(description="Work phone.")
    role: Role = Field(description="Role (dictionary `role`).")
    scope_region_code: str | None = Field(
        description="Root of the region subtree the user works in."
    )
    organization_id: uuid.UUID | None = Field(description="Organization the user acts for.")
    active: bool = Field(description="Inactive users cannot sign in; their tokens stop working.")
    confidentiality_signed_at: datetime | None = Field(
        description="When the user personally acknowledged the confidentiality agreement (Beijing 7)."
    )
    version: int = Field(description="Version for If-Match.")
    created_at: datetime = Field(description="When the account was created.")


class UserCreate(BaseModel):
    username: str = Field(
        pattern=USERNAME_PATTERN, description="Sign-in name: lower-case letters, digits, `_.-`."
    )
    display_name: str = Field(min_length=1, max_length=100, description="Name shown to colleagues.")
    phone: str | None = Field(default=None, pattern=r"^[0-9+\-]{5,20}$", description="Work phone.")
    role: UserRole = Field(description="Role; `partner` is for API clients only.")
    scope_region_code: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="Scope root; required for region roles at their level.",
    )
    organization_id: uuid.UUID | None = Field(
        default=None, description="Required for social workers and department officers."
    )
    password: NewPassword = Field(
        description="Initial password; the user should change it." + _PASSWORD_RULES
    )


class UserUpdate(BaseModel):
    display_name: str | None = Field(
        default=None, min_length=1, max_length=100, description="New display name."
    )
    phone: str | None = Field(
        default=None, pattern=r"^[0-9+\-]{5,20}$", description="New work phone."
    )
    role: UserRole | None = Field(default=None, description="New role.")
    scope_region_code: str | None = Field(
        default=None, pattern=CODE_PATTERN, description="New scope root."
    )
    organization_id: uuid.UUID | None = Field(default=None, description="New organization.")
    active: bool | None = Field(
        default=None,
        strict=True,
        description="False deactivates: refresh tokens stop at once, access tokens within a minute.",
    )

    @field_validator("display_name", "role", "active", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise field_error("missing")
        return value


class MeUpdate(BaseModel):
    display_name: str = Field(min_length=1, max_length=100, description="New display name.")


class PasswordChange(BaseModel):
    old_password: SecretStr = Field(description="The current password.")
    new_password: NewPassword = Field(description="The new password." + _PASSWORD_RULES)


_API_CLIENT_EXAMPLE: dict[str, Any] = {
    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12",
    "client_id": "red-cross",
    "name": "区红十字会救助系统",
    "organization_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e13",
    "active": True,
    "version": 1,
}


class ApiClientOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [_API_CLIENT_EXAMPLE]},
    )

    id: uuid.UUID = Field(description="Id of the client record.")
    client_id: str = Field(description="Public client identifier used with the secret.")
    name: str = Field(description="What the client is.")
    organization_id: uuid.UUID = Field(description="The organization it acts for.")
    active: bool = Field(description="Inactive clients cannot get tokens.")
    version: int = Field(description="Version for If-Match.")


class ApiClientCreated(ApiClientOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**_API_CLIENT_EXAMPLE, "client_secret": "kQ7x2mZr9vB4nT1sW8yD3fH6jL0pC5aE"}
            ]
        }
    )

    client_secret: str = Field(description="The secret, shown this once; only its hash is kept.")


class ApiClientCreate(BaseModel):
    client_id: str = Field(pattern=r"^[a-z][a-z0-9-]{2,63}$", description="Public identifier.")
    name: str = Field(min_length=1, max_length=100, description="What the client is.")
    organization_id: uuid.UUID = Field(description="The organization it acts for (its scope).")


class ApiClientUpdate(BaseModel):
    active: bool = Field(
        strict=True, description="False stops new tokens at once and issued ones within a minute."
    )


class LoginLockOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "subject": "account:street_officer",
                    "failures": 5,
                    "locked_until": "2026-11-23T08:15:00Z",
                }
            ]
        },
    )

    subject: str = Field(description="`account:<username>` or `address:<ip>`.")
    failures: int = Field(description="Failed attempts counted.")
    locked_until: datetime | None = Field(description="Sign-in refused until then.")


class OrganizationRef(BaseModel):
    id: uuid.UUID = Field(description="Organization id.")
    name: str = Field(description="Its name.")


class RegionRef(BaseModel):
    code: str = Field(description="Region code.")
    name: str = Field(description="Its name.")


class StaffOut(BaseModel):
    """A member of staff as colleagues see them: no sign-in name, phone or account state
    beyond whether it is active."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "display_name": "百果园社区工作者",
                    "role": "community_worker",
                    "organization": None,
                    "region": {"code": "500112001001", "name": "百果园社区"},
                    "active": True,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="User id (the `id` of an actor reference of type `user`).")
    display_name: str = Field(description="Name shown to colleagues.")
    role: Role = Field(description="Role (dictionary `role`).")
    organization: OrganizationRef | None = Field(
        description="The organisation the user acts for (agencies, departments), if any."
    )
    region: RegionRef | None = Field(description="Root of the region subtree the user works in.")
    active: bool = Field(description="False once the account is deactivated.")
