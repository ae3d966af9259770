"""Who is calling and what they may reach: bearer authentication and the `Actor`.

Every protected route depends on `actor_for(action)`: it authenticates the
bearer token (401), re-checks now and then that the user or client is still
active and its sign-in not ended (so a deactivation or a sign-out bites within
`principal_recheck_seconds`), refuses a role that may never perform the action
(403, audited as every refusal is: `core.refusals`), and gives the route one
`Actor`: the principal, its reach, the audit context, the clock and the app's
services. Public routes that still act (sign-in) take a
`Visitor`: the same without a principal.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

import structlog
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.core import audit, refusals
from app.core.clock import SHANGHAI
from app.core.errors import AppError, Unauthorized
from app.core.masking import PersonalField, Viewer
from app.core.permissions import Action, Role, is_allowed
from app.core.principals import Principal
from app.core.reach import Reach, reach_of
from app.core.security import InvalidToken
from app.core.services import Services, services_of

_bearer = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    scheme_name="OAuth2Password",
    description=(
        "Bearer access tokens from POST /api/v1/auth/token. People sign in with the password "
        "grant (Swagger UI's Authorize asks for username and password and posts the form); "
        "partner systems use client_credentials on the same endpoint."
    ),
    auto_error=False,
)

BearerCredentials = Annotated[str | None, Depends(_bearer)]
"""Declares the OAuth2 password flow in OpenAPI (so Swagger UI's Authorize dialog signs in
with username and password); the token itself is read by `principal_from_request`."""


class Forbidden(AppError):
    """403: the caller's role may not take this action. The detail names no permission:
    the audit's `denied:<action>` event does, for whoever investigates, not for the caller."""

    status = 403
    code = "forbidden"


async def principal_from_request(request: Request) -> Principal:
    """Authenticate the request's bearer token once; later calls reuse the result."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    services = services_of(request)
    try:
        claims = services.verified_tokens.verify(token.strip(), now=datetime.now(UTC))
        principal = Principal(
            id=uuid.UUID(claims.subject),
            role=Role(claims.role),
            scope_region=claims.scope,
            organization_id=uuid.UUID(claims.organization_id) if claims.organization_id else None,
            is_client=claims.client,
            token_id=claims.token_id,
        )
        session_id = uuid.UUID(claims.session_id) if claims.session_id is not None else None
    except (InvalidToken, ValueError) as exc:
        structlog.get_logger(__name__).info("token_refused", reason=str(exc))
        raise Unauthorized(headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    activity, database = services.activity, services.database
    accepted = await activity.accepts(
        services.hooks.principal_status,
        database,
        principal.id,
        principal.is_client,
        claims.issued_at,
    ) and (
        session_id is None
        or await activity.session_live(services.hooks.session_live, database, session_id)
    )
    if not accepted:
        raise Unauthorized(headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    request.state.principal = principal
    structlog.contextvars.bind_contextvars(actor=principal.caller_id, role=principal.role.value)
    return principal


@dataclass(frozen=True, slots=True)
class Visitor:
    """An unauthenticated caller of a public route that acts (sign-in, refresh, logout)."""

    context: audit.AuditContext
    services: Services
    now: datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller of a protected route, built once per request by `actor_for`."""

    principal: Principal
    reach: Reach
    context: audit.AuditContext
    services: Services
    now: datetime
    """When the request is handled (UTC)."""

    @property
    def today(self) -> date:
        """The business date: the ledger's calendar is Asia/Shanghai (DOMAIN; API conventions)."""
        return self.now.astimezone(SHANGHAI).date()

    @property
    def viewer(self) -> Viewer:
        """Whose masking applies: an auditor sees personal data only under a live grant."""
        return Viewer(self.principal.role, auditor_grant=self.reach.read_only)


async def actor_of(services: Services, principal: Principal, context: audit.AuditContext) -> Actor:
    """The Actor of a principal, now (an auditor's grants are looked up now)."""
    now = datetime.now(UTC)
    granted: tuple[str, ...] = ()
    if principal.role is Role.auditor:
        granted = tuple(await services.hooks.granted_regions(services.database, principal.id, now))
    return Actor(
        principal=principal,
        reach=reach_of(principal, granted, now.astimezone(SHANGHAI).date()),
        context=context,
        services=services,
        now=now,
    )


async def build_actor(request: Request, principal: Principal) -> Actor:
    """The Actor of an authenticated request."""
    return await actor_of(
        services_of(request), principal, audit.AuditContext.of(request, principal)
    )


async def permitted_principal(request: Request, action: Action) -> Principal:
    """The request's principal (401 without valid credentials), if its role may perform
    `action` (else 403, recorded as `denied:<action>`)."""
    principal = await principal_from_request(request)
    refusals.note_action(request, action.value)
    if not is_allowed(principal.role, action):
        raise Forbidden()
    return principal


_ACTION_ATTRIBUTE = "action"
"""Where `actor_for` leaves its action on the dependency, for `action_of`."""


def actor_for(
    action: Action, *, takes: PersonalField | None = None
) -> Callable[..., Awaitable[Actor]]:
    """Dependency: the Actor, if its role may perform `action` (else 403, audited as
    `denied:<action>` like every refusal: `core.refusals`).

    A route that `takes` a personal field's value as input (a search by ID
    number, a person entered with one) is refused, 403 `<action>+<field>`,
    to a caller who sees that field masked: whoever may submit a value may
    confirm a guess of it, so taking a value is seeing it (the masking policy
    decides both, `Viewer.sees_full`).

    One dependency deep: each level of dependencies costs FastAPI work on
    every request."""

    async def actor(request: Request, _credentials: BearerCredentials) -> Actor:
        principal = await permitted_principal(request, action)
        found = await build_actor(request, principal)
        if takes is not None and not found.viewer.sees_full(takes):
            taking = f"{action.value}+{takes.value}"
            raise Forbidden().refusing(action=taking)
        return found

    setattr(actor, _ACTION_ATTRIBUTE, action)
    return actor


def action_of(dependency: Callable[..., Any] | None) -> Action | None:
    """The action an `actor_for` dependency requires; None for any other callable."""
    action = getattr(dependency, _ACTION_ATTRIBUTE, None)
    return action if isinstance(action, Action) else None


async def _visitor(request: Request) -> Visitor:
    return Visitor(
        context=audit.AuditContext.of(request, None),
        services=services_of(request),
        now=datetime.now(UTC),
    )


VisitorDep = Annotated[Visitor, Depends(_visitor)]
"""The caller of a public route that acts."""
