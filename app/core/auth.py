"""Who is calling: the Principal, bearer-token authentication and `require(action)`.

Every API route except the public ones depends on `require(action)`: it
authenticates the bearer token (401), re-checks now and then that the user or
client is still active (so a deactivation bites within
`principal_recheck_seconds`), and refuses a role that may never perform the
action (403).
"""

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core import audit
from app.core.errors import AppError, Unauthorized
from app.core.permissions import Action, Role, is_allowed
from app.core.security import InvalidToken
from app.core.uow import after_transaction

_bearer = HTTPBearer(auto_error=False, description="An access token from POST /api/v1/auth/token.")

BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""Declares the bearer scheme in OpenAPI; the token itself is read by `principal_from_request`."""


class Forbidden(AppError):
    status = 403
    code = "forbidden"


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


def _to_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class ActivityCache:
    """Remembers a principal's status for a short while, to spare a query per request."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self._seen: dict[tuple[uuid.UUID, bool], tuple[float, PrincipalStatus]] = {}

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


async def principal_from_request(request: Request) -> Principal:
    """Authenticate the request's bearer token once; later calls reuse the result."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    state = request.app.state
    try:
        claims = state.verified_tokens.verify(token.strip(), now=datetime.now(UTC))
        role = Role(claims.role)
        principal = Principal(
            id=uuid.UUID(claims.subject),
            role=role,
            scope_region=claims.scope,
            organization_id=uuid.UUID(claims.organization_id) if claims.organization_id else None,
            is_client=claims.client,
            token_id=claims.token_id,
        )
    except (InvalidToken, ValueError) as exc:
        structlog.get_logger(__name__).info("token_refused", reason=str(exc))
        raise Unauthorized(headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    accepted = await state.activity.accepts(
        state.principal_status, state.database, principal.id, principal.is_client, claims.issued_at
    )
    if not accepted:
        raise Unauthorized(headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    request.state.principal = principal
    request.state.caller_id = principal.caller_id
    structlog.contextvars.bind_contextvars(actor=principal.caller_id, role=principal.role.value)
    return principal


async def authorize(request: Request, action: Action) -> Principal:
    """The caller, if its role may perform `action`; else 403 and a `denied` event."""
    principal = await principal_from_request(request)
    if not is_allowed(principal.role, action):
        # Nothing of the request's own has touched the database yet, so the
        # refusal is written at once, in its own short transaction.
        await audit.record_now(
            request.app.state.database,
            audit.AuditContext.from_request(request),
            f"denied:{action.value}",
            outcome=audit.Outcome.denied,
        )
        raise Forbidden(params={"action": action.value})
    return principal


def require(action: Action) -> Callable[..., Awaitable[Principal]]:
    """Dependency: the caller, if its role may perform `action` (else 403).

    One dependency deep (`authorize` is called, not depended on): each level of
    dependencies costs FastAPI work on every request."""

    async def check(request: Request, _credentials: BearerCredentials) -> Principal:
        return await authorize(request, action)

    check.action = action  # type: ignore[attr-defined]
    return check
