"""Pure ASGI middleware: request ids, access log and metrics, security headers, allowed hosts.

Pure ASGI (not BaseHTTPMiddleware) so a request costs no extra task and
streaming bodies pass straight through.
"""

import time
from collections.abc import Sequence

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import HostNotAllowed, problem_response
from app.core.metrics import HTTP_LATENCY, HTTP_REQUESTS
from app.core.requestid import REQUEST_ID_HEADER, accept_or_generate, set_request_id

logger = structlog.get_logger("sanzhu.access")
_REQUEST_ID_RAW = REQUEST_ID_HEADER.lower().encode("latin-1")

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/static/docs/")
OPERATIONS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def _route_template(scope: Scope) -> str:
    """The matched route's path template, for metric labels and logs.

    An included router's route knows only its own part of the template
    ("/regions/{code}"); the literal prefix it was included under is the
    same number of leading segments of the request path.
    """
    route = scope.get("route")
    # `path_format` drops converters ("{household_id:uuid}" -> "{household_id}").
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not isinstance(template, str):
        return "<unmatched>"
    segments = scope["path"].rstrip("/").split("/")
    own_segments = template.rstrip("/").count("/")
    return "/".join(segments[: max(1, len(segments) - own_segments)]) + template


class RequestContextMiddleware:
    """Gives each request an id (echoed in `X-Request-ID`), logs one line, counts it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = accept_or_generate(incoming)
        set_request_id(request_id)
        structlog.contextvars.clear_contextvars()
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *(h for h in message.get("headers", ()) if h[0].lower() != _REQUEST_ID_RAW),
                    (_REQUEST_ID_RAW, request_id.encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope["method"]
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            HTTP_LATENCY.labels(method=method, route=route).observe(elapsed)
            logger.info(
                "request",
                method=method,
                route=route,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
            )


def _raw(headers: dict[str, str]) -> tuple[tuple[bytes, bytes], ...]:
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    )


_COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_HSTS = {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}


class SecurityHeadersMiddleware:
    """Conservative browser headers; the docs pages get a CSP their scripts can run under.

    A header the response already has is left as it is. The headers are
    encoded once, and added to the raw list with one pass over it, since
    every response pays for this.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        extra = _HSTS if hsts else {}
        self._api = _raw(
            {
                "Content-Security-Policy": API_CSP,
                **_COMMON_HEADERS,
                "Cache-Control": "no-store",
                **extra,
            }
        )
        self._docs = _raw({"Content-Security-Policy": DOCS_CSP, **_COMMON_HEADERS, **extra})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = self._docs if scope["path"].startswith(DOCS_PATHS) else self._api

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", ()))
                present = {name.lower() for name, _ in raw}
                raw.extend(header for header in added if header[0] not in present)
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _host_name(scope: Scope) -> str | None:
    """The host the request names, lower-case, without port or trailing dot; None
    without exactly one Host header."""
    hosts: list[bytes] = [value for key, value in scope["headers"] if key == b"host"]
    if len(hosts) != 1:
        return None
    host = hosts[0].decode("latin-1").strip().lower()
    if host.startswith("["):
        # An IPv6 literal: "[::1]:8000".
        end = host.find("]")
        return host[1:end] if end > 0 else None
    return host.partition(":")[0].rstrip(".")


class AllowedHostsMiddleware:
    """Answers only requests naming an allowed host; others get a 400 problem.

    The app builds no URL from the Host header (a trailing-slash mismatch is a
    404, not a redirect), but a cache in front of it, a log reader or a link
    added later would trust the name; refusing unknown names also defeats DNS
    rebinding against a server on localhost. The operational endpoints are
    exempt: orchestrators and scrapers address a process by its IP, and they
    answer nothing made from the host.
    """

    def __init__(self, app: ASGIApp, *, allowed: Sequence[str]) -> None:
        self.app = app
        self._exact = frozenset(host for host in allowed if not host.startswith("*."))
        self._suffixes = tuple(host[1:] for host in allowed if host.startswith("*."))

    def _allows(self, host: str | None) -> bool:
        if not host:
            return False
        return host in self._exact or host.endswith(self._suffixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] in OPERATIONS_PATHS
            or self._allows(_host_name(scope))
        ):
            await self.app(scope, receive, send)
            return
        await problem_response(Request(scope), HostNotAllowed())(scope, receive, send)
