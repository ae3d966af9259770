"""Who may call: an authenticated user or partner client, and whether it is still active."""

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.permissions import Role
from app.core.uow import after_transaction


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user or partner client, as its token describes it."""

    id: uuid.UUID
    role: Role
    scope_region: str | None
    organization_id: uuid.UUID | None
    is_client: bool
    token_id: str

    @property
    def caller_id(self) -> str:
        """Stable key for per-caller state such as idempotency keys."""
        return f"{'client' if self.is_client else 'user'}:{self.id}"


@dataclass(frozen=True, slots=True)
class PrincipalStatus:
    active: bool
    tokens_valid_after: datetime | None
    """Access tokens issued before this (a role, scope or password change) are refused."""


StatusCheck = Callable[[Any, uuid.UUID, bool], Awaitable[PrincipalStatus]]
"""(database, principal id, is_client) -> its status. Provided by the identity domain."""

SessionCheck = Callable[[Any, uuid.UUID], Awaitable[bool]]
"""(database, session id) -> is the sign-in still live (not signed out, not revoked).
Provided by the identity domain."""

GrantedRegions = Callable[[Any, uuid.UUID, datetime], Awaitable[list[str]]]
"""(database, auditor id, now) -> the regions of the auditor's live grants. Provided by
the confidentiality domain."""


def _to_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class ActivityCache:
    """Remembers a principal's status, and which sign-ins are live, for a short while,
    to spare a query per request.

    So a security change (deactivation, a new role or password, signing out)
    reaches every process within `ttl` seconds, and the process that made it at
    once (`forget_after`, `forget_session_after`).
    """

    def __init__(self, ttl_seconds: float, *, capacity: int = 10_000) -> None:
        self.ttl = ttl_seconds
        self._capacity = capacity
        self._seen: dict[tuple[uuid.UUID, bool], tuple[float, PrincipalStatus]] = {}
        self._live_sessions: dict[uuid.UUID, float] = {}

    async def accepts(
        self,
        check: StatusCheck,
        database: Any,
        principal_id: uuid.UUID,
        is_client: bool,
        issued_at: datetime,
    ) -> bool:
        """Is the principal active, and was its token issued after its last security change?"""
        key = (principal_id, is_client)
        seen = self._seen.get(key)
        now = time.monotonic()
        if seen is not None and now - seen[0] < self.ttl:
            status = seen[1]
        else:
            status = await check(database, principal_id, is_client)
            if status.active:
                self._seen[key] = (now, status)
            else:
                self._seen.pop(key, None)
        valid_after = status.tokens_valid_after
        return status.active and (valid_after is None or issued_at >= _to_millisecond(valid_after))

    async def session_live(self, check: SessionCheck, database: Any, session_id: uuid.UUID) -> bool:
        """Is the sign-in a token belongs to still live (not signed out, not revoked)?"""
        now = time.monotonic()
        checked_at = self._live_sessions.get(session_id)
        if checked_at is not None and now - checked_at < self.ttl:
            return True
        live = await check(database, session_id)
        self._live_sessions.pop(session_id, None)
        if live and self.ttl > 0:
            self._remember_session(session_id, now)
        return live

    def _remember_session(self, session_id: uuid.UUID, now: float) -> None:
        # Sign-ins come and go, unlike principals: forget those not asked about lately.
        if len(self._live_sessions) >= self._capacity:
            for stale in [s for s, at in self._live_sessions.items() if now - at >= self.ttl]:
                del self._live_sessions[stale]
        if len(self._live_sessions) >= self._capacity:
            del self._live_sessions[next(iter(self._live_sessions))]
        self._live_sessions[session_id] = now

    def forget(self, principal_id: uuid.UUID) -> None:
        """Drop a principal at once (this process) when it is deactivated."""
        for key in [k for k in self._seen if k[0] == principal_id]:
            del self._seen[key]

    def forget_after(self, session: Any, principal_id: uuid.UUID) -> None:
        """Forget once the deactivating transaction has ended, so no request in
        between can cache the principal as active again."""

        async def forget() -> None:
            self.forget(principal_id)

        after_transaction(session, forget)

    def forget_session(self, session_id: uuid.UUID) -> None:
        """Drop a sign-in at once (this process) when it has ended."""
        self._live_sessions.pop(session_id, None)

    def forget_session_after(self, session: Any, session_id: uuid.UUID) -> None:
        """Forget a sign-in once the transaction that ended it has ended (as `forget_after`)."""

        async def forget() -> None:
            self.forget_session(session_id)

        after_transaction(session, forget)
