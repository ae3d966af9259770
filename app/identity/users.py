"""User accounts (DOMAIN 1): created and changed by admins; each user keeps their own."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from app.core import audit
from app.core.audit import AuditContext
from app.core.db import Database, ReadSession, WriteSession, new_id, utcnow
from app.core.errors import AppError, Conflict, NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import FieldIssue
from app.core.pagination import PageRequest
from app.core.permissions import Role
from app.core.security import PasswordHasher
from app.core.services import Services
from app.identity import repository, throttle
from app.identity.errors import TooManyFailedAttempts, WrongPassword
from app.identity.models import User
from app.identity.rules import password_problems, scope_problems
from app.identity.schemas import UserCreate, UserUpdate
from app.identity.throttle import Verdict
from app.organizations.public import get_organization
from app.regions.public import region_with_path


def _not_found() -> NotFound:
    return NotFound("用户", "user")


def check_password(password: str, *, username: str, min_length: int, field: str) -> None:
    problems = password_problems(password, username=username, min_length=min_length)
    if problems:
        raise ValidationFailed(
            [FieldIssue(["body", field], code, {"min_length": min_length}) for code in problems]
        )


async def _check_scope(
    session: WriteSession, role: Role, scope: str | None, organization_id: uuid.UUID | None
) -> None:
    problems = scope_problems(role, scope, organization_id is not None)
    if problems:
        raise ValidationFailed(
            [FieldIssue(["body", f], "scope_mismatch", {"role": role.value}) for f in problems]
        )
    if scope is not None:
        await region_with_path(session, scope)
    if organization_id is not None:
        await get_organization(session, organization_id)


async def find(session: WriteSession, username: str) -> User | None:
    return await repository.user_by_username(session, username)


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as other domains see one: who, which role and scope, since when agreed."""

    id: uuid.UUID
    username: str
    role: str
    scope_region_code: str | None
    organization_id: uuid.UUID | None
    active: bool
    confidentiality_signed_at: datetime | None

    @classmethod
    def of(cls, user: User) -> "UserView":
        return cls(
            id=user.id,
            username=user.username,
            role=user.role,
            scope_region_code=user.scope_region_code,
            organization_id=user.organization_id,
            active=user.active,
            confidentiality_signed_at=user.confidentiality_signed_at,
        )


async def view(session: ReadSession, user_id: uuid.UUID) -> UserView | None:
    user = await repository.user_by_id(session, user_id)
    return None if user is None else UserView.of(user)


async def view_by_username(session: ReadSession, username: str) -> UserView | None:
    user = await repository.user_by_username(session, username)
    return None if user is None else UserView.of(user)


async def active_view(session: ReadSession, user_id: uuid.UUID) -> UserView | None:
    """The user if it exists and is active."""
    found = await view(session, user_id)
    return found if found is not None and found.active else None


async def acknowledge_confidentiality(session: WriteSession, user_id: uuid.UUID) -> datetime:
    """The user personally acknowledges the confidentiality agreement (Beijing 7); the first
    date stays. Returns it."""
    user = await get(session, user_id)
    if user.confidentiality_signed_at is None:
        user.confidentiality_signed_at = utcnow()
        user.version += 1
        await session.flush()
    return user.confidentiality_signed_at


async def get(session: ReadSession, user_id: uuid.UUID) -> User:
    user = await repository.user_by_id(session, user_id)
    if user is None:
        raise _not_found()
    return user


async def search(
    session: ReadSession,
    *,
    role: str | None,
    region: str | None,
    active: bool | None,
    page: PageRequest,
) -> tuple[list[User], str | None]:
    return await repository.search_users(
        session, role=role, region=region, active=active, page=page
    )


async def create(
    session: WriteSession,
    context: AuditContext,
    hasher: PasswordHasher,
    data: UserCreate,
    *,
    min_length: int,
) -> User:
    password = data.password.get_secret_value()
    check_password(password, username=data.username, min_length=min_length, field="password")
    await _check_scope(session, data.role, data.scope_region_code, data.organization_id)
    if await repository.user_by_username(session, data.username) is not None:
        raise Conflict()
    user = User(
        id=new_id(),
        username=data.username,
        display_name=data.display_name,
        phone=data.phone,
        role=data.role.value,
        scope_region_code=data.scope_region_code,
        organization_id=data.organization_id,
        active=True,
        password_hash=await hasher.hash(password),
        version=1,
    )
    session.add(user)
    await session.flush()
    await audit.record(
        session,
        context,
        "user.create",
        object_type="user",
        object_id=str(user.id),
        region_code=user.scope_region_code,
        changed_fields=sorted(data.model_fields_set - {"password"}),
    )
    return user


async def update(
    session: WriteSession,
    context: AuditContext,
    user_id: uuid.UUID,
    data: UserUpdate,
    expected_version: int,
) -> User:
    """Change a user. Deactivating revokes every refresh token at once."""
    user = await get(session, user_id)
    check_version(expected_version, user.version)
    changes = data.model_dump(exclude_unset=True)
    role = Role(changes.get("role", user.role))
    scope = changes.get("scope_region_code", user.scope_region_code)
    organization_id = changes.get("organization_id", user.organization_id)
    if {"role", "scope_region_code", "organization_id"} & changes.keys():
        await _check_scope(session, role, scope, organization_id)
    changed = sorted(
        k for k, v in changes.items() if getattr(user, k) != (v.value if isinstance(v, Role) else v)
    )
    for key in changed:
        value = changes[key]
        setattr(user, key, value.value if isinstance(value, Role) else value)
    if changed:
        user.version += 1
    if {"role", "scope_region_code", "organization_id", "active"} & set(changed):
        # Tokens carry the role and scope: end every sign-in made under the old ones.
        user.tokens_valid_after = utcnow()
        await repository.revoke_all_for_user(session, user.id, utcnow())
    await session.flush()
    await audit.record(
        session,
        context,
        "user.update",
        object_type="user",
        object_id=str(user.id),
        region_code=user.scope_region_code,
        changed_fields=changed,
    )
    return user


async def rename_self(
    session: WriteSession,
    context: AuditContext,
    user_id: uuid.UUID,
    display_name: str,
    expected_version: int,
) -> User:
    user = await get(session, user_id)
    check_version(expected_version, user.version)
    if user.display_name != display_name:
        user.display_name = display_name
        user.version += 1
    await session.flush()
    await audit.record(
        session,
        context,
        "user.update_self",
        object_type="user",
        object_id=str(user.id),
        changed_fields=["display_name"],
    )
    return user


async def _own_password(database: Database, user_id: uuid.UUID) -> tuple[str, str]:
    """(username, password hash), read outside the request's transaction (`throttle.check`)."""
    async with database.primary_read_sessionmaker() as reading:
        user = await get(reading, user_id)
    return user.username, user.password_hash


async def change_password(
    services: Services,
    session: WriteSession,
    context: AuditContext,
    user_id: uuid.UUID,
    old: str,
    new: str,
) -> None:
    """Change one's own password; other sign-ins are ended.

    The old password is checked under the sign-in throttle, on the account's
    own count: a stolen access token gives no more guesses than a username.
    """
    username, stored = await _own_password(services.database, user_id)
    keys = throttle.subjects(username, context.address)
    checked = await throttle.check(services, session, keys, old, stored)
    user = await get(session, user_id) if checked.verdict is Verdict.right else None
    if user is None or user.password_hash != stored:
        # Audited by the one rule for refusals (core.refusals), once, as the change refused.
        error: AppError = (
            TooManyFailedAttempts(services.settings.login_lock_minutes * 60)
            if checked.verdict is Verdict.locked
            else WrongPassword()
        )
        raise error.refusing(
            action="user.change_password", object_type="user", object_id=str(user_id)
        )
    check_password(
        new,
        username=user.username,
        min_length=services.settings.password_min_length,
        field="new_password",
    )
    user.password_hash = await services.password_hasher.hash(new)
    user.password_changed_at = utcnow()
    user.tokens_valid_after = user.password_changed_at
    await repository.revoke_all_for_user(session, user.id, utcnow())
    await session.flush()
    await audit.record(
        session,
        context,
        "user.change_password",
        object_type="user",
        object_id=str(user.id),
        changed_fields=["password"],
    )
