"""Request bodies parsed as JSON strictly, once, before FastAPI sees them.

`json.loads` accepts what the app cannot use: NaN and Infinity (also as
1e999, which overflows to infinity), duplicate
keys (the last one silently wins, while a proxy or a log reader may see the
first), lone surrogates and U+0000 (neither can be stored in PostgreSQL or
encoded as UTF-8), integers of thousands of digits (a ValueError, not a
JSONDecodeError), nesting that exhausts the recursion limit (a
RecursionError) and bytes that are not UTF-8. Each is a malformed body here,
reported as one 400 problem, instead of an exception that reaches the error
handler as a 500.
"""

import json
import math
import re
from typing import Any

from app.core.errors import MalformedBody

MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a body may have; the API's own
schemas need a handful of levels."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
"""Where such a character can come from: an escape (UTF-8 itself cannot carry one,
and a raw control character is not JSON). A pair of surrogates matches too."""


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(f"{number} is out of range")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise ValueError("duplicate key")
    return value


def _too_deep(value: Any) -> bool:
    """Nested deeper than MAX_DEPTH, walked one level at a time."""
    level = [value]
    for _ in range(MAX_DEPTH + 1):
        below: list[Any] = []
        for item in level:
            if type(item) is dict:
                below.extend(item.values())
            elif type(item) is list:
                below.extend(item)
        if not below:
            return False
        level = [item for item in below if type(item) is dict or type(item) is list]
    return True


def _unstorable_text(value: Any) -> bool:
    """A key or string with U+0000 or a lone surrogate."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def parse_json(raw: bytes) -> Any:
    """The JSON value of a request body; MalformedBody when it is not strict JSON in UTF-8."""
    try:
        text = raw.decode("utf-8")
        value = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite,
            object_pairs_hook=_unique_keys,
        )
    except (ValueError, RecursionError):
        # JSONDecodeError and UnicodeDecodeError are ValueErrors too.
        raise MalformedBody() from None
    if _too_deep(value) or (_UNSTORABLE_ESCAPE.search(text) and _unstorable_text(value)):
        raise MalformedBody()
    return value
