"""What the app logged, as the event dicts structlog hands to the standard library."""

import logging
from typing import Any

import pytest


def events(caplog: pytest.LogCaptureFixture, name: str | None = None) -> list[dict[str, Any]]:
    """The structured lines captured, in order; only those of event `name` when given."""
    return [
        record.msg
        for record in caplog.records
        if isinstance(record.msg, dict) and (name is None or record.msg.get("event") == name)
    ]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Lines that carry an exception, or are errors: none is expected from a client error."""
    return [
        f"{record.name}: {str(record.msg)[:300]}"
        for record in caplog.records
        if record.exc_info
        or (isinstance(record.msg, dict) and record.msg.get("exc_info"))
        or record.levelno >= logging.ERROR
    ]
