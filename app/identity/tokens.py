"""Signing in and tokens: password and client-credentials grants, refresh rotation, logout."""

import hmac
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from app.core import audit
from app.core.audit import AuditContext, AuditOutcome
from app.core.db import Database, WriteSession, new_id, utcnow
from app.core.permissions import Role
from app.core.principals import PrincipalStatus
from app.core.security import (
    hash_opaque_token,
    issue_access_token,
    new_opaque_token,
)
from app.core.services import Services
from app.core.uow import after_transaction
from app.identity import repository, throttle
from app.identity.errors import InvalidClient, InvalidGrant
from app.identity.models import RefreshToken, User
from app.identity.throttle import Verdict


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str | None
    role: Role
    scope: str | None


def _access_for_user(services: Services, user: User, family: uuid.UUID) -> tuple[str, int]:
    lifetime = timedelta(minutes=services.settings.access_token_minutes)
    token, _ = issue_access_token(
        services.key_ring,
        issuer=services.settings.jwt_issuer,
        audience=services.settings.jwt_audience,
        subject=str(user.id),
        role=user.role,
        scope=user.scope_region_code,
        organization_id=str(user.organization_id) if user.organization_id else None,
        client=False,
        session_id=str(family),
        now=utcnow(),
        lifetime=lifetime,
    )
    return token, int(lifetime.total_seconds())


def _new_refresh(services: Services, session: WriteSession, user: User, family: uuid.UUID) -> str:
    token = new_opaque_token()
    now = utcnow()
    session.add(
        RefreshToken(
            id=new_id(),
            token_hash=hash_opaque_token(token),
            family_id=family,
            user_id=user.id,
            issued_at=now,
            expires_at=now + timedelta(days=services.settings.refresh_token_days),
        )
    )
    return token


def _issued(
    services: Services, session: WriteSession, user: User, family: uuid.UUID
) -> IssuedTokens:
    access, expires_in = _access_for_user(services, user, family)
    refresh = _new_refresh(services, session, user, family)
    return IssuedTokens(access, expires_in, refresh, Role(user.role), user.scope_region_code)


def _refused(services: Services, session: WriteSession, context: AuditContext) -> None:
    audit.record_after(
        session, services.database, context, "auth.login", outcome=AuditOutcome.denied
    )


async def _stored_password(
    database: Database, username: str
) -> tuple[uuid.UUID | None, str | None]:
    """(id, password hash) of the active user of that name, read outside the request's
    transaction (`throttle.check` needs that); (None, None) for any other name."""
    async with database.primary_read_sessionmaker() as reading:
        user = await repository.user_by_username(reading, username)
    return (user.id, user.password_hash) if user is not None and user.active else (None, None)


async def _unchanged_user(
    session: WriteSession, user_id: uuid.UUID | None, checked_hash: str | None
) -> User | None:
    """The user whose password was checked, unless deactivated or given a new one since."""
    user = await repository.user_by_id(session, user_id) if user_id is not None else None
    if user is None or not user.active or user.password_hash != checked_hash:
        return None
    return user


async def sign_in(
    services: Services,
    session: WriteSession,
    context: AuditContext,
    username: str,
    password: str,
) -> IssuedTokens:
    """Password grant. Wrong password, unknown or inactive user, and a lock all look alike."""
    username = username.strip().lower()
    keys = throttle.subjects(username, context.address)
    user_id, stored = await _stored_password(services.database, username)
    checked = await throttle.check(services, session, keys, password, stored)
    user = None
    if checked.verdict is Verdict.right:
        user = await _unchanged_user(session, user_id, stored)
    if user is None:
        _refused(services, session, context)
        locked = checked.verdict is Verdict.locked
        raise InvalidGrant(
            "too many failed attempts; try again later" if locked else "wrong username or password"
        )
    if checked.new_hash is not None:
        user.password_hash = checked.new_hash
    actor = AuditContext(
        f"user:{user.id}", user.role, context.address, context.user_agent, context.request_id
    )
    await audit.record(session, actor, "auth.login", object_type="user", object_id=str(user.id))
    return _issued(services, session, user, new_id())


async def client_credentials(
    services: Services,
    session: WriteSession,
    context: AuditContext,
    client_id: str,
    secret: str,
) -> IssuedTokens:
    """Client-credentials grant for partner systems: an access token only, role `partner`."""
    client = await repository.client_by_client_id(session, client_id)
    expected = client.secret_hash if client is not None else hash_opaque_token(new_opaque_token())
    if (
        client is None
        or not client.active
        or not hmac.compare_digest(expected, hash_opaque_token(secret))
    ):
        audit.record_after(
            session, services.database, context, "auth.client_token", outcome=AuditOutcome.denied
        )
        raise InvalidClient()
    lifetime = timedelta(minutes=services.settings.access_token_minutes)
    token, _ = issue_access_token(
        services.key_ring,
        issuer=services.settings.jwt_issuer,
        audience=services.settings.jwt_audience,
        subject=str(client.id),
        role=Role.partner.value,
        scope=None,
        organization_id=str(client.organization_id),
        client=True,
        session_id=None,
        now=utcnow(),
        lifetime=lifetime,
    )
    actor = AuditContext(
        f"client:{client.id}",
        Role.partner.value,
        context.address,
        context.user_agent,
        context.request_id,
    )
    await audit.record(
        session, actor, "auth.client_token", object_type="api_client", object_id=str(client.id)
    )
    return IssuedTokens(token, int(lifetime.total_seconds()), None, Role.partner, None)


async def refresh(
    services: Services, session: WriteSession, context: AuditContext, token: str
) -> IssuedTokens:
    """Rotate a refresh token. A token used twice revokes its whole family (theft)."""
    stored = await repository.refresh_token_by_hash(session, hash_opaque_token(token))
    now = utcnow()
    if (
        stored is None
        or stored.revoked_at is not None
        or stored.expires_at <= now
        or await repository.family_revoked(session, stored.family_id)
    ):
        raise InvalidGrant("refresh token is unknown, revoked or expired")
    claimed = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == stored.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(claimed.rowcount) != 1:  # type: ignore[attr-defined]
        family = stored.family_id

        async def revoke() -> None:
            async with services.database.sessionmaker() as revoking, revoking.begin():
                await repository.revoke_family(revoking, family, now)
            # Its access tokens end with it: here at once, elsewhere at the next re-check.
            services.activity.forget_session(family)

        after_transaction(session, revoke)
        audit.record_after(
            session,
            services.database,
            context,
            "auth.refresh_reuse",
            outcome=AuditOutcome.denied,
            object_type="user",
            object_id=str(stored.user_id),
        )
        raise InvalidGrant("refresh token was already used; every token of its sign-in is revoked")
    user = await repository.user_by_id(session, stored.user_id)
    if user is None or not user.active:
        raise InvalidGrant("the account is inactive")
    return _issued(services, session, user, stored.family_id)


async def logout(
    services: Services, session: WriteSession, context: AuditContext, token: str
) -> None:
    """End the sign-in (token family) a refresh token belongs to, its access tokens with it;
    unknown tokens are ignored."""
    stored = await repository.refresh_token_by_hash(session, hash_opaque_token(token))
    if stored is None:
        return
    await repository.revoke_family(session, stored.family_id, utcnow())
    services.activity.forget_session_after(session, stored.family_id)
    actor = AuditContext(
        f"user:{stored.user_id}", None, context.address, context.user_agent, context.request_id
    )
    await audit.record(
        session, actor, "auth.logout", object_type="user", object_id=str(stored.user_id)
    )


async def principal_status(
    database: Database, principal_id: uuid.UUID, is_client: bool
) -> PrincipalStatus:
    """Read on the primary: a replica a moment behind would let an ended token through."""
    async with database.primary_read_sessionmaker() as session:
        active, valid_after = await repository.status(session, principal_id, is_client)
    return PrincipalStatus(active, valid_after)


async def session_live(database: Database, session_id: uuid.UUID) -> bool:
    """Is the sign-in an access token names (its `sid`) neither signed out nor revoked?
    Read on the primary, like `principal_status`."""
    async with database.primary_read_sessionmaker() as session:
        return not await repository.family_revoked(session, session_id)
