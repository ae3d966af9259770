"""The id of the request being served, for responses, problems and log lines."""

import re
import secrets
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def accept_or_generate(incoming: str | None) -> str:
    """Keep a caller's id when it is safe to echo and log; otherwise make one."""
    if incoming and _VALID.fullmatch(incoming):
        return incoming
    return secrets.token_hex(16)


def set_request_id(request_id: str) -> None:
    _current.set(request_id)


def current_request_id() -> str | None:
    return _current.get()
