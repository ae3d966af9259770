"""AppRoute: the request pipeline every API route runs through.

Around the FastAPI handler it
- refuses bodies over the route's limit (413) and JSON routes sent other
  media types (415), before anything is parsed, then parses a JSON body
  strictly (400 for anything malformed, core.json_body);
- replays or claims an `Idempotency-Key` on creating POSTs, once the caller is known
  (401) and its role admitted (403);
- opens the unit of work, and commits it *before* the response is returned,
  so a failed commit is reported to the client;
- turns an unexpected exception into a problem that still carries the
  request id and headers (the outermost Starlette handler would not): 503
  with `Retry-After` when the database cannot be reached (logged once per
  outage, core.outage), else 500 with the traceback in the log;
- audits every refusal (`core.refusals`) once the transaction has ended.
"""

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.params import Form
from fastapi.routing import APIRoute
from fastapi.security.base import SecurityBase
from fastapi.utils import create_model_field
from starlette._utils import get_route_path
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import Message, Scope

from app.core import idempotency, refusals
from app.core.auth import Forbidden, action_of, permitted_principal, principal_from_request
from app.core.config import Settings
from app.core.db import Database
from app.core.errors import (
    AppError,
    DatabaseUnavailable,
    IdempotencyInProgress,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
    MalformedBody,
    PayloadTooLarge,
    Refusal,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
    problem_response,
    unexpected_error,
)
from app.core.field_messages import CHARACTERS
from app.core.json_body import parse_json
from app.core.openapi import with_problems
from app.core.permissions import Action
from app.core.services import services_of
from app.core.uow import UnitOfWork

API_V1 = "/api/v1"
"""Where the versioned API lives; every domain router's prefix starts with it."""

BODY_LIMIT_KEY = "x-max-body-bytes"
IDEMPOTENCY_KEY = "x-idempotency"


class Idempotency(StrEnum):
    optional = "optional"
    required = "required"


def route_options(
    *, body_limit: int | None = None, idempotency_mode: Idempotency | None = None
) -> dict[str, Any]:
    """`openapi_extra` for a route: its body limit and Idempotency-Key policy, documented."""
    extra: dict[str, Any] = {}
    if body_limit is not None:
        extra[BODY_LIMIT_KEY] = body_limit
    if idempotency_mode is not None:
        extra[IDEMPOTENCY_KEY] = idempotency_mode.value
        extra["parameters"] = [
            {
                "name": idempotency.IDEMPOTENCY_HEADER,
                "in": "header",
                "required": idempotency_mode is Idempotency.required,
                "description": (
                    "Makes the request safe to retry: a repeat with the same key and body "
                    "returns the first response (marked `Idempotent-Replayed: true`); the same "
                    "key with another body is 422; a repeat while the first runs is 409. "
                    "Kept at least 24 hours, per caller."
                ),
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": idempotency.MAX_KEY_LENGTH,
                },
            }
        ]
    return extra


class BodyTooLarge(HTTPException):
    """Raised from inside body parsing, where FastAPI lets only HTTPException through."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413)
        self.limit = limit


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def _is_protected(dependant: Dependant) -> bool:
    """Whether a security scheme (the bearer token) guards the route, as OpenAPI reports."""
    return isinstance(dependant.call, SecurityBase) or any(
        _is_protected(sub) for sub in dependant.dependencies
    )


def _required_actions(dependant: Dependant) -> tuple[Action, ...]:
    """The actions the route's `actor_for` dependencies require, in the order FastAPI runs
    them."""
    found: list[Action] = []
    for sub in dependant.dependencies:
        found += _required_actions(sub)
        action = action_of(sub.call)
        if action is not None:
            found.append(action)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _Guard:
    """What a route's dependencies require of its caller, checked once more before the
    Idempotency-Key is looked at (the dependencies run only after the key is claimed)."""

    protected: bool
    actions: tuple[Action, ...]

    @classmethod
    def of(cls, dependant: Dependant) -> "_Guard":
        return cls(protected=_is_protected(dependant), actions=_required_actions(dependant))

    async def caller(self, request: Request) -> str:
        """Whose keys these are: the authenticated principal (401 without valid
        credentials), if its role may take the route's actions (else 403); `anonymous` on a
        public route called without credentials. The principal is cached on the request, so
        the route's own dependency does not authenticate it again."""
        if not self.protected and "authorization" not in request.headers:
            return "anonymous"
        principal = await principal_from_request(request)
        for action in self.actions:
            await permitted_principal(request, action)
        return principal.caller_id


def pipeline_errors(*, takes_body: bool, takes_json: bool, protected: bool) -> list[type[AppError]]:
    """The problems this pipeline can answer on a route of this kind, whatever its handler does:
    a guarded route 401 and 403; a route taking a body 400 `malformed_body` and 413; a JSON
    body 415 when sent as another media type; every route 503 while the database cannot be
    reached."""
    errors: list[type[AppError]] = [DatabaseUnavailable]
    if protected:
        errors += [Unauthorized, Forbidden]
    if takes_body:
        errors += [MalformedBody, PayloadTooLarge]
    if takes_json:
        errors.append(UnsupportedMediaType)
    return errors


def idempotency_errors(mode: Idempotency | None) -> list[type[AppError]]:
    """The problems `_claim_key` answers on a route taking an Idempotency-Key: the key reused
    with another body (422), its first request still running (409), and when the key is
    required, none (400)."""
    if mode is None:
        return []
    errors: list[type[AppError]] = [IdempotencyKeyReused, IdempotencyInProgress]
    if mode is Idempotency.required:
        errors.append(IdempotencyKeyRequired)
    return errors


class AppRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        extra = self.openapi_extra or {}
        mode = Idempotency(extra[IDEMPOTENCY_KEY]) if IDEMPOTENCY_KEY in extra else None
        self.responses = with_problems(
            self.responses,
            *pipeline_errors(
                takes_body=self.body_field is not None,
                takes_json=self._takes_json,
                protected=_is_protected(self.dependant),
            ),
            *idempotency_errors(mode),
        )
        # FastAPI derived the response models from `responses` while building the route.
        self.response_fields = {
            status: create_model_field(
                name=f"Response_{status}_{self.unique_id}",
                type_=response["model"],
                mode="serialization",
            )
            for status, response in self.responses.items()
            if "model" in response
        }

    @property
    def _takes_json(self) -> bool:
        return self.body_field is not None and not isinstance(self.body_field.field_info, Form)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()
        extra = self.openapi_extra or {}
        route_limit: int | None = extra.get(BODY_LIMIT_KEY)
        mode = Idempotency(extra[IDEMPOTENCY_KEY]) if IDEMPOTENCY_KEY in extra else None
        takes_json = self._takes_json
        guard = _Guard.of(self.dependant)

        async def handler(request: Request) -> Response:
            services = services_of(request)
            settings, database = services.settings, services.database
            limit = route_limit or settings.max_body_bytes
            _limit_body(request, limit)
            if takes_json:
                await _read_json_body(request, limit)
            uow = UnitOfWork(database)
            request.state.uow = uow
            claim: idempotency.Claim | None = None
            renewal: idempotency.Renewal | None = None
            refusal: Refusal | None = None
            try:
                if mode is not None and request.method == "POST":
                    outcome = await _claim_key(request, database, settings, mode, guard)
                    if isinstance(outcome, Response):
                        return outcome
                    if outcome is not None:
                        claim = outcome
                        renewal = idempotency.Renewal(database, claim, _lease(settings))
                response = await original(request)
                completes = response.status_code < 400
                if claim is not None and completes:
                    await idempotency.complete(uow.session, claim, response)
                await uow.commit()
                if completes:
                    claim = None
                return response
            except AppError as exc:
                refusal = exc.refusal
                raise
            except (StarletteHTTPException, RequestValidationError):
                # Client errors: the handlers in core.errors answer them, without a traceback.
                raise
            except Exception as exc:
                return problem_response(request, unexpected_error(exc, database.outage))
            finally:
                await uow.close()
                if renewal is not None:
                    await renewal.stop()
                if claim is not None:
                    await idempotency.release(database, claim)
                if refusal is not None:
                    await refusals.record(request, database, refusal)

        return handler


def _limit_body(request: Request, limit: int) -> None:
    """Refuse a declared oversize body at once and count the bytes of an undeclared one."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(params={"limit": limit})
    receive = request.receive
    received = 0

    async def counting_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    request._receive = counting_receive


async def _read_json_body(request: Request, limit: int) -> None:
    """Read and strictly parse a JSON route's body before FastAPI does.

    The parsed value is left where Starlette's `Request.json()` caches it, so
    FastAPI reads it from there instead of parsing the body again with
    `json.loads`.
    """
    try:
        body = await request.body()
    except BodyTooLarge as exc:
        raise PayloadTooLarge(params={"limit": exc.limit}) from None
    if not body:
        return
    if not _is_json(request.headers.get("content-type")):
        raise UnsupportedMediaType(params={"expected": "application/json"})
    request._json = parse_json(body)


async def _claim_key(
    request: Request,
    database: Database,
    settings: Settings,
    mode: Idempotency,
    guard: _Guard,
) -> idempotency.Claim | Response | None:
    key = request.headers.get(idempotency.IDEMPOTENCY_HEADER)
    if key is None and mode is Idempotency.optional:
        return None
    # Who asks comes before what the request lacks or holds: a caller without valid
    # credentials is answered 401 and a role that may never take the route's action 403, as
    # on every other route, before the key is asked for, checked, claimed or replayed.
    caller = await guard.caller(request)
    if key is None:
        raise IdempotencyKeyRequired()
    if not 1 <= len(key) <= idempotency.MAX_KEY_LENGTH:
        loc: list[str | int] = ["header", idempotency.IDEMPOTENCY_HEADER]
        if not key:
            raise ValidationFailed.at(loc, "missing")
        raise ValidationFailed.at(
            loc, "too_long", max_length=idempotency.MAX_KEY_LENGTH, **CHARACTERS
        )
    body = await request.body()
    return await idempotency.claim(
        database,
        caller=caller,
        key=key,
        fingerprint=idempotency.fingerprint(
            request.method, request.url.path, request.url.query, body
        ),
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        lease=_lease(settings),
    )


def _lease(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.idempotency_lease_seconds)


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class AppRouter(APIRouter):
    """An APIRouter that a request passes over in one regular-expression match
    when none of its routes can take the path.

    FastAPI tries an included router by matching every one of its routes in
    turn, and does so again when it hands the request on, so a request for
    the last domain paid for all the routes before it (a fifth of the CPU of
    `GET /households/{id}`; docs/performance.md). This router first matches
    the path against one expression made of all its routes' own path
    expressions; only a path that one of them takes goes on to FastAPI's
    matching. It looks at the path only, so a 405 (same path, other method)
    and the trailing-slash redirect still find their route.
    """

    _any_path: re.Pattern[str] | None = None
    _any_path_of: int = -1

    def _path_filter(self) -> re.Pattern[str] | None:
        if self._any_path_of != len(self.routes):
            self._any_path = _any_route_path(self.routes)
            self._any_path_of = len(self.routes)
        return self._any_path

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        any_path = self._path_filter()
        if any_path is not None and any_path.match(get_route_path(scope)) is None:
            return Match.NONE, {}
        return super().matches(scope)


def _any_route_path(routes: list[BaseRoute]) -> re.Pattern[str] | None:
    """One expression for every route's path; None when a route is not a plain path route."""
    patterns: list[str] = []
    for route in routes:
        regex = getattr(route, "path_regex", None)
        if not isinstance(route, APIRoute) or not isinstance(regex, re.Pattern):
            return None
        # Each is "^...$" with named groups, which may not repeat in one expression.
        patterns.append(_NAMED_GROUP.sub("(?:", regex.pattern[1:-1]))
    if not patterns:
        return None
    return re.compile("^(?:" + "|".join(f"(?:{p})" for p in patterns) + ")$")


def api_router(**kwargs: Any) -> APIRouter:
    """A router whose routes run through AppRoute and which costs nothing to pass over."""
    return AppRouter(route_class=AppRoute, **kwargs)
