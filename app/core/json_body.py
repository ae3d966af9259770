"""Request bodies parsed as JSON strictly, once, before FastAPI sees them.

`json.loads` accepts what the app cannot use: NaN and Infinity, duplicate
keys (the last one silently wins, while a proxy or a log reader may see the
first), lone surrogates and U+0000 (neither can be stored in PostgreSQL or
encoded as UTF-8), integers of thousands of digits (a ValueError, not a
JSONDecodeError), nesting that exhausts the recursion limit (a
RecursionError) and bytes that are not UTF-8. Each is a malformed body here,
reported as one 400 problem, instead of an exception that reaches the error
handler as a 500.
"""

import json
import re
from typing import Any

from app.core.errors import MalformedBody

MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a body may have; the API's own
schemas need a handful of levels."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise ValueError("duplicate key")
    return value


def _check(value: Any) -> None:
    """Depth and strings, walked without recursion."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                raise MalformedBody()
            continue
        if isinstance(item, dict):
            children: Any = item.values()
            for key in item:
                if _UNSTORABLE.search(key):
                    raise MalformedBody()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= MAX_DEPTH:
            raise MalformedBody()
        pending.extend((child, depth + 1) for child in children)


def parse_json(raw: bytes) -> Any:
    """The JSON value of a request body; MalformedBody when it is not strict JSON in UTF-8."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except (ValueError, RecursionError):
        # JSONDecodeError and UnicodeDecodeError are ValueErrors too.
        raise MalformedBody() from None
    _check(value)
    return value
