"""Strict JSON bodies: what is refused, and what must still pass."""

import pytest

from app.core.errors import MalformedBody
from app.core.json_body import MAX_DEPTH, parse_json


def _nested(depth: int) -> bytes:
    return b'{"a":' * (depth - 1) + b"[1]" + b"}" * (depth - 1)


def test_nesting_up_to_the_limit_passes_and_one_more_level_is_refused() -> None:
    assert parse_json(_nested(MAX_DEPTH))
    with pytest.raises(MalformedBody):
        parse_json(_nested(MAX_DEPTH + 1))


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b'{"name": "\\ud83d\\ude00"}', {"name": "\U0001f600"}),
        (b'{"note": "a\\\\u0000b"}', {"note": "a\\u0000b"}),
        ('{"name": "张三"}'.encode(), {"name": "张三"}),
        (
            b'{"a": {"a": 1}, "b": [1.5, -2e3, null, true]}',
            {"a": {"a": 1}, "b": [1.5, -2e3, None, True]},
        ),
        (b"42", 42),
    ],
)
def test_strict_json_still_parses(raw: bytes, value: object) -> None:
    assert parse_json(raw) == value


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "a": 1}',
        b'{"a": {"b": 1, "b": 2}}',
        b'["\\udfff\\ud800"]',
        b'{"\\u0000": 1}',
        b'{"a": 1e999}',
        b"NaN",
        '{"name": "张三"}'.encode("gbk"),
        '{"name": "a"}'.encode("utf-16"),
    ],
)
def test_what_json_loads_would_accept_is_refused(raw: bytes) -> None:
    with pytest.raises(MalformedBody):
        parse_json(raw)
