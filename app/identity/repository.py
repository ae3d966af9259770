"""Queries on users, API clients, refresh tokens and login throttles."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update

from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import in_subtree
from app.identity.models import ApiClient, LoginThrottle, RefreshToken, User


async def user_by_id(session: ReadSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def user_by_username(session: ReadSession, username: str) -> User | None:
    rows = await session.execute(select(User).where(User.username == username))
    return rows.scalar_one_or_none()


async def search_users(
    session: ReadSession,
    *,
    role: str | None,
    region: str | None,
    active: bool | None,
    page: PageRequest,
) -> tuple[list[User], str | None]:
    stmt: Select[Any] = select(User)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if region is not None:
        stmt = stmt.where(in_subtree(User.scope_region_code, region))
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return await paginate(
        session, stmt, [User.username], page, scope=f"users:{role}:{region}:{active}"
    )


async def status(
    session: ReadSession, principal_id: uuid.UUID, is_client: bool
) -> tuple[bool, datetime | None]:
    """(active, tokens valid after) of a user or client; (False, None) when unknown."""
    if is_client:
        client_rows = await session.execute(
            select(ApiClient.active).where(ApiClient.id == principal_id)
        )
        return bool(client_rows.scalar_one_or_none()), None
    row = (
        await session.execute(
            select(User.active, User.tokens_valid_after).where(User.id == principal_id)
        )
    ).one_or_none()
    return (False, None) if row is None else (bool(row[0]), row[1])


async def client_by_client_id(session: WriteSession, client_id: str) -> ApiClient | None:
    rows = await session.execute(select(ApiClient).where(ApiClient.client_id == client_id))
    return rows.scalar_one_or_none()


async def client_by_id(session: WriteSession, client_uuid: uuid.UUID) -> ApiClient | None:
    return await session.get(ApiClient, client_uuid)


async def list_clients(
    session: ReadSession, page: PageRequest
) -> tuple[list[ApiClient], str | None]:
    return await paginate(
        session, select(ApiClient), [ApiClient.client_id], page, scope="api_clients"
    )


async def refresh_token_by_hash(session: WriteSession, token_hash: str) -> RefreshToken | None:
    rows = await session.execute(select(RefreshToken).where(RefreshToken.token_hash == token_hash))
    return rows.scalar_one_or_none()


async def family_revoked(session: ReadSession, family_id: uuid.UUID) -> bool:
    """Has a sign-in (refresh-token family) been ended: signed out, reused or revoked?

    Revoking marks every token of the family, so one marked token means the
    whole sign-in is over, even if a rotation racing the revocation added a
    token after it.
    """
    found = await session.execute(
        select(RefreshToken.id)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_not(None))
        .limit(1)
    )
    return found.first() is not None


async def revoke_family(session: WriteSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


async def revoke_all_for_user(session: WriteSession, user_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


async def throttle(session: ReadSession, subject: str) -> LoginThrottle | None:
    return await session.get(LoginThrottle, subject)


async def active_locks(
    session: ReadSession, now: datetime, page: PageRequest
) -> tuple[list[LoginThrottle], str | None]:
    stmt: Select[Any] = select(LoginThrottle).where(LoginThrottle.locked_until > now)
    return await paginate(session, stmt, [LoginThrottle.subject], page, scope="login_locks")


async def count_users(session: WriteSession) -> int:
    return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


@dataclass(frozen=True, slots=True)
class StaffFilters:
    role: str | None = None
    region: str | None = None
    organization_id: uuid.UUID | None = None
    name_prefix: str | None = None
    active: bool | None = None


def _staff(reach: ColumnElement[bool], filters: StaffFilters) -> Select[Any]:
    stmt: Select[Any] = select(User).where(reach)
    if filters.role is not None:
        stmt = stmt.where(User.role == filters.role)
    if filters.region is not None:
        stmt = stmt.where(in_subtree(User.scope_region_code, filters.region))
    if filters.organization_id is not None:
        stmt = stmt.where(User.organization_id == filters.organization_id)
    if filters.name_prefix is not None:
        stmt = stmt.where(User.display_name.startswith(filters.name_prefix, autoescape=True))
    if filters.active is not None:
        stmt = stmt.where(User.active.is_(filters.active))
    return stmt


async def staff_page(
    session: ReadSession, reach: ColumnElement[bool], filters: StaffFilters, page: PageRequest
) -> tuple[list[User], str | None]:
    """A page of the users `reach` admits, by display name then id."""
    return await paginate(
        session,
        _staff(reach, filters),
        [User.display_name, User.id],
        page,
        scope=f"staff:{filters!r}",
    )


async def staff_member(
    session: ReadSession, reach: ColumnElement[bool], user_id: uuid.UUID
) -> User | None:
    rows = await session.execute(select(User).where(reach, User.id == user_id))
    return rows.scalar_one_or_none()


async def display_names(
    session: ReadSession, user_ids: Collection[uuid.UUID], client_ids: Collection[uuid.UUID]
) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, str]]:
    """Display names of users and names of API clients, one query each (none when empty)."""
    users: dict[uuid.UUID, str] = {}
    clients: dict[uuid.UUID, str] = {}
    if user_ids:
        rows = await session.execute(
            select(User.id, User.display_name).where(User.id.in_(set(user_ids)))
        )
        users = {row[0]: row[1] for row in rows}
    if client_ids:
        rows = await session.execute(
            select(ApiClient.id, ApiClient.name).where(ApiClient.id.in_(set(client_ids)))
        )
        clients = {row[0]: row[1] for row in rows}
    return users, clients
