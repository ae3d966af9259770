"""The AppError hierarchy and its rendering as RFC 9457 problem details.

Nothing else builds an error response: services raise, `problem_response`
renders, the handlers in `install_error_handlers` catch everything.
"""

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar, Self

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.field_messages import FieldIssue, from_pydantic, render_field
from app.core.i18n import Language, negotiate_language, render
from app.core.outage import DATABASE_ERRORS, OutageLog, is_unreachable
from app.core.requestid import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:sanzhu:problem:"
RETRY_AFTER_SECONDS = "5"
"""What a 503 for an unreachable database asks a client to wait before retrying."""

logger = structlog.get_logger(__name__)


class FieldError(BaseModel):
    loc: list[str | int] = Field(
        description="Where the error is: `body`, `query`, `path` or `header`, then the field path."
    )
    msg: str = Field(description="What is wrong, in the negotiated language (zh-CN or en).")
    code: str = Field(
        description="Stable code of the kind of error, the same in every language, e.g. "
        "`missing`, `too_long`, `unknown_code` (docs/architecture.md lists the core codes)."
    )


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:sanzhu:problem:not_found",
                    "title": "对象不存在",
                    "status": 404,
                    "detail": "找不到所请求的区划，或您无权查看。",
                    "code": "not_found",
                    "instance": "/api/v1/regions/500112999",
                    "request_id": "0f4b6c1e9d8a4c7fb1f0a2e3d4c5b6a7",
                }
            ]
        }
    )

    type: str = Field(
        description="URI identifying the problem type: `urn:sanzhu:problem:` + `code`."
    )
    title: str = Field(description="Short summary of the problem type, in the negotiated language.")
    status: int = Field(description="HTTP status code.")
    detail: str = Field(description="Explanation of this occurrence, in the negotiated language.")
    code: str = Field(description="Stable machine-readable error code.")
    instance: str | None = Field(default=None, description="Path of the request that failed.")
    request_id: str | None = Field(
        default=None,
        description="Id of the request, also in the `X-Request-ID` header and the logs.",
    )


class FieldErrors(BaseModel):
    """The members a 422 `validation_failed` adds."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "errors": [
                        {
                            "loc": ["query", "limit"],
                            "msg": "must be at most 200",
                            "code": "too_large",
                        }
                    ]
                }
            ]
        }
    )

    errors: list[FieldError] = Field(description="Validation errors, one per failed field.")


class SizeLimit(BaseModel):
    """The members a 413 of a limit the client can read adds."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"limit": 10_485_760}]})

    limit: int = Field(description="The largest size accepted, in bytes.")


@dataclass(frozen=True, slots=True)
class Refusal:
    """What a refused attempt was about, for the `denied` event the request pipeline writes."""

    action: str | None = None
    """Recorded as `denied:<action>`; by default the permission the route requires."""
    object_type: str | None = None
    """With `object_id`; by default the object the route's path names (`household_id`...)."""
    object_id: str | None = None
    region_code: str | None = None
    """The region the attempt concerned, e.g. the one a household was to be created in."""


class AppError(Exception):
    """Base of every error the API reports; `code` is a stable contract."""

    status: int = 500
    code: ClassVar[str] = "internal_error"
    members_model: ClassVar[type[BaseModel] | None] = None
    """The model of the members this error adds to the problem (`allowed`, `household_id`...),
    with an example: `problems()` declares it and `problem_response` sends an instance of
    it, nothing else."""
    refuses: ClassVar[bool] = False
    """Whether every error of this class refuses the caller (true of every 403 unless a
    class says otherwise). Each refusal leaves a `denied` audit event (`core.refusals`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "refuses" not in cls.__dict__:
            cls.refuses = cls.status == 403

    def __init__(
        self,
        *,
        params: dict[str, object] | None = None,
        members: BaseModel | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(self.code)
        if members is not None and type(members) is not self.members_model:
            raise TypeError(
                f"{type(self).__name__} declares members {self.members_model}, "
                f"not {type(members).__name__}"
            )
        self.params = params or {}
        self.extra: dict[str, Any] = (
            {} if members is None else members.model_dump(mode="json", exclude_unset=True)
        )
        """The members as sent; a member left unset (a household the caller may not see)
        is absent, not null."""
        self.headers = headers or {}
        self._refusal: Refusal | None = None

    def refusing(
        self,
        *,
        action: str | None = None,
        object_type: str | None = None,
        object_id: str | None = None,
        region_code: str | None = None,
    ) -> Self:
        """This error refuses the caller (a write outside its jurisdiction, an object out of
        its reach): it is audited as `denied`, with what it was about. The answer is the same."""
        self._refusal = Refusal(action, object_type, object_id, region_code)
        return self

    def members(self, language: Language) -> dict[str, Any]:
        """The members this problem adds to the body, in the negotiated language."""
        return self.extra

    @property
    def refusal(self) -> Refusal | None:
        """The refusal this error is, if it is one."""
        if self._refusal is not None:
            return self._refusal
        return Refusal() if self.refuses else None


class NotFound(AppError):
    status = 404
    code = "not_found"

    def __init__(self, object_zh: str = "对象", object_en: str = "object") -> None:
        super().__init__(params={"object_zh": object_zh, "object_en": object_en})


class RouteNotFound(AppError):
    status = 404
    code = "route_not_found"

    def __init__(self, other_spelling: str | None = None) -> None:
        """`other_spelling`: the path with or without its trailing slash, when a route takes that."""
        hints: dict[str, object] = (
            {
                "hint_zh": f"您是否要访问 {other_spelling}？",
                "hint_en": f" Did you mean {other_spelling}?",
            }
            if other_spelling
            else {"hint_zh": "", "hint_en": ""}
        )
        super().__init__(params=hints)


class MethodNotAllowed(AppError):
    status = 405
    code = "method_not_allowed"


class ValidationFailed(AppError):
    status = 422
    code = "validation_failed"
    members_model = FieldErrors

    def __init__(self, errors: list[FieldIssue]) -> None:
        super().__init__(params={"count": len(errors)})
        self.errors = errors

    @classmethod
    def at(cls, loc: list[str | int], code: str, **params: object) -> "ValidationFailed":
        """One field's error, e.g. `ValidationFailed.at(["body", "kind"], "unknown_code")`;
        `params` fill the code's message (`app.core.field_messages`)."""
        return cls([FieldIssue(loc, code, params)])

    @classmethod
    def in_body(cls, name: str, code: str, **params: object) -> "ValidationFailed":
        """One error of a body field."""
        return cls.at(["body", name], code, **params)

    def field_errors(self, language: Language) -> list[FieldError]:
        return [
            FieldError(loc=e.loc, msg=render_field(e.code, language, e.params), code=e.code)
            for e in self.errors
        ]

    def members(self, language: Language) -> dict[str, Any]:
        return FieldErrors(errors=self.field_errors(language)).model_dump(mode="json")


class MalformedBody(AppError):
    status = 400
    code = "malformed_body"


class HostNotAllowed(AppError):
    status = 400
    code = "host_not_allowed"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"


class PreconditionRequired(AppError):
    status = 428
    code = "if_match_required"


class PreconditionFailed(AppError):
    status = 412
    code = "version_mismatch"


class Conflict(AppError):
    status = 409
    code = "integrity_conflict"


class IdempotencyKeyRequired(AppError):
    status = 400
    code = "idempotency_key_required"


class IdempotencyKeyReused(AppError):
    status = 422
    code = "idempotency_key_reused"


class IdempotencyInProgress(AppError):
    status = 409
    code = "idempotency_in_progress"


class DatabaseUnavailable(AppError):
    status = 503
    code = "database_unavailable"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class HTTPStatusError(AppError):
    """An HTTP status raised by the framework that no other class describes."""

    code = "http_error"

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "HTTP error"
        super().__init__(params={"status": status, "phrase": phrase}, headers=headers)
        self.status = status


def _localised_params(params: dict[str, object], language: str) -> dict[str, object]:
    """`object_zh`/`object_en` style pairs become `object` in the chosen language."""
    suffix = "_en" if language == "en" else "_zh"
    resolved = {k: v for k, v in params.items() if not k.endswith(("_zh", "_en"))}
    for key, value in params.items():
        if key.endswith(suffix):
            resolved[key.removesuffix(suffix)] = value
    return resolved


def problem_response(request: Request, error: AppError) -> JSONResponse:
    language = negotiate_language(request.headers.get("accept-language"))
    title, detail = render(error.code, language, _localised_params(error.params, language))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + error.code,
        "title": title,
        "status": error.status,
        "detail": detail,
        "code": error.code,
        "instance": request.url.path,
        "request_id": current_request_id(),
    }
    body.update(error.members(language))
    # Only problems are localized, so only they vary by language: a cacheable success (the
    # dictionaries, which carry both languages) stays one cache entry for every reader.
    headers = {"Content-Language": language, "Vary": "Accept-Language", **error.headers}
    return JSONResponse(
        body, status_code=error.status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def _location(loc: tuple[Any, ...]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


_MISSING_IF_MATCH = ("header", "If-Match")


def validation_error(exc: RequestValidationError) -> AppError:
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return MalformedBody()
    if any(
        err.get("type") == "missing" and tuple(err.get("loc", ())) == _MISSING_IF_MATCH
        for err in errors
    ):
        # A write declares If-Match required (`core.etag`); without it, RFC 6585's 428.
        return PreconditionRequired()
    return ValidationFailed(
        [
            FieldIssue(
                _location(tuple(err.get("loc", ()))), *from_pydantic(err["type"], err.get("ctx"))
            )
            for err in errors
        ]
    )


def _other_spelling(request: Request) -> str | None:
    """The request's path with its trailing slash toggled, when a route takes that path.

    No redirect is made (a redirect would be built from the Host header, and
    every path has one spelling in the contract); the 404 names it instead.
    """
    path: str = request.scope["path"]
    other = path.rstrip("/") if path.endswith("/") else path + "/"
    if not other or other == path:
        return None
    probe = {**request.scope, "path": other}
    for route in request.app.router.routes:
        if route.matches(probe)[0] is not Match.NONE:
            return other
    return None


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method the request's path takes, asked of the routes as the router asks them.
    Starlette's own `Allow` names the methods of one route only, when several routes share
    the path (a household's GET and PATCH)."""
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    )


def http_error(request: Request, exc: StarletteHTTPException) -> AppError:
    """The problem for an HTTP status the framework raised, whatever the status."""
    headers = dict(exc.headers or {})
    status = exc.status_code
    if status == 400:
        # Starlette and FastAPI raise 400 only for a body they could not parse.
        return MalformedBody(headers=headers)
    if status == 401:
        return Unauthorized(headers=headers or {"WWW-Authenticate": "Bearer"})
    if status == 404:
        return RouteNotFound(_other_spelling(request))
    if status == 405:
        headers["Allow"] = _allowed_methods(request)
        return MethodNotAllowed(params={"method": request.method}, headers=headers)
    if status == 413:
        return PayloadTooLarge(params={"limit": getattr(exc, "limit", "?")})
    return HTTPStatusError(status, headers)


def unexpected_error(exc: Exception, outage: OutageLog) -> AppError:
    """The problem for an exception no handler expected, logged as its kind deserves;
    called while it is being handled (the traceback logged is the current one).

    A constraint found only at COMMIT is a conflict; a database that cannot be
    reached is a 503 with `Retry-After`, logged once per outage, not once per
    request; anything else is a 500 with its traceback in the log.
    """
    if isinstance(exc, IntegrityError):
        logger.warning("database_error", error_class=type(exc.orig).__name__)
        return Conflict()
    if is_unreachable(exc):
        outage.failed(exc)
        return DatabaseUnavailable(headers={"Retry-After": RETRY_AFTER_SECONDS})
    logger.exception("unhandled_error")
    return AppError()


def install_error_handlers(app: FastAPI, outage: OutageLog) -> None:
    async def on_app_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        return problem_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(request, validation_error(exc))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(request, http_error(request, exc))

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(request, unexpected_error(exc, outage))

    app.add_exception_handler(AppError, on_app_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    # Database and socket errors are answered by the exception middleware, inside
    # the middleware stack; the handler of `Exception` runs outermost, and the
    # server logs a traceback after it whatever it answers.
    for database_error in DATABASE_ERRORS:
        app.add_exception_handler(database_error, on_unexpected)
    app.add_exception_handler(Exception, on_unexpected)
