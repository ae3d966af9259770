"""Signed pagination cursors: round trips and every way a cursor is refused."""

import base64
import re
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.core.errors import ValidationFailed
from app.core.pagination import CursorCodec, _from_json

SECRET = b"unit-test-secret-with-at-least-32-bytes"
SCOPE = "households:region=500112"
CODEC = CursorCodec(SECRET)
URLSAFE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _assert_invalid_cursor(token: str, *, codec: CursorCodec = CODEC, scope: str = SCOPE) -> None:
    with pytest.raises(ValidationFailed) as caught:
        codec.decode(token, scope)
    error = caught.value
    assert error.status == 422
    assert error.code == "validation_failed"
    assert error.params == {"count": 1}
    assert error.errors[0].code == "invalid_cursor"
    assert error.errors[0].loc == ["query", "cursor"]


def _b64(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)


class TestEncode:
    def test_cursor_is_url_safe_without_padding(self) -> None:
        token = CODEC.encode(["x" * 50, 12345, uuid.uuid4()], SCOPE)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)

    def test_encoding_is_deterministic(self) -> None:
        values = ["a", 1]
        assert CODEC.encode(values, SCOPE) == CODEC.encode(values, SCOPE)

    def test_scope_changes_the_cursor(self) -> None:
        assert CODEC.encode(["a"], "scope-1") != CODEC.encode(["a"], "scope-2")


class TestDecode:
    def test_string_and_int_round_trip(self) -> None:
        token = CODEC.encode(["王小明", 42, -7], SCOPE)
        assert CODEC.decode(token, SCOPE) == ["王小明", 42, -7]

    def test_uuid_round_trips_through_its_column_type(self) -> None:
        value = uuid.UUID("0190f6c2-7d1e-7a3b-8c4d-5e6f7a8b9c0d")
        [decoded] = CODEC.decode(CODEC.encode([value], SCOPE), SCOPE)
        assert decoded == "0190f6c2-7d1e-7a3b-8c4d-5e6f7a8b9c0d"
        assert _from_json(decoded, uuid.UUID) == value

    def test_aware_datetime_round_trips_through_its_column_type(self) -> None:
        value = datetime(2026, 10, 1, 8, 30, 15, 123456, tzinfo=UTC)
        [decoded] = CODEC.decode(CODEC.encode([value], SCOPE), SCOPE)
        assert decoded == "2026-10-01T08:30:15.123456+00:00"
        restored = _from_json(decoded, datetime)
        assert restored == value
        assert restored.utcoffset() == timedelta(0)

    def test_datetime_with_offset_keeps_the_offset(self) -> None:
        shanghai = timezone(timedelta(hours=8))
        value = datetime(2026, 1, 1, 0, 0, tzinfo=shanghai)
        [decoded] = CODEC.decode(CODEC.encode([value], SCOPE), SCOPE)
        assert _from_json(decoded, datetime).utcoffset() == timedelta(hours=8)

    def test_date_round_trips_through_its_column_type(self) -> None:
        [decoded] = CODEC.decode(CODEC.encode([date(2026, 2, 28)], SCOPE), SCOPE)
        assert decoded == "2026-02-28"
        assert _from_json(decoded, date) == date(2026, 2, 28)

    def test_mixed_key_round_trips(self) -> None:
        moment = datetime(2025, 5, 1, tzinfo=UTC)
        ident = uuid.uuid4()
        decoded = CODEC.decode(CODEC.encode([moment, "b", 3, ident], SCOPE), SCOPE)
        typed = [
            _from_json(v, t) for v, t in zip(decoded, [datetime, str, int, uuid.UUID], strict=True)
        ]
        assert typed == [moment, "b", 3, ident]

    def test_null_value_stays_null(self) -> None:
        [decoded] = CODEC.decode(CODEC.encode([None], SCOPE), SCOPE)
        assert decoded is None
        assert _from_json(decoded, uuid.UUID) is None

    def test_empty_key_round_trips(self) -> None:
        assert CODEC.decode(CODEC.encode([], SCOPE), SCOPE) == []

    def test_one_changed_character_is_refused(self) -> None:
        token = CODEC.encode(["abc", 1], SCOPE)
        middle = len(token) // 2
        replacement = "A" if token[middle] != "A" else "B"
        _assert_invalid_cursor(token[:middle] + replacement + token[middle + 1 :])

    def test_changed_first_character_is_refused(self) -> None:
        token = CODEC.encode(["abc", 1], SCOPE)
        replacement = "A" if token[0] != "A" else "B"
        _assert_invalid_cursor(replacement + token[1:])

    def test_truncated_cursor_is_refused(self) -> None:
        token = CODEC.encode(["abc", 1], SCOPE)
        _assert_invalid_cursor(token[:-4])

    def test_cursor_signed_with_another_secret_is_refused(self) -> None:
        token = CursorCodec(b"another-secret-of-sufficient-length!!").encode(["abc"], SCOPE)
        _assert_invalid_cursor(token)

    def test_cursor_of_another_scope_is_refused(self) -> None:
        token = CODEC.encode(["abc"], "households:region=500113")
        _assert_invalid_cursor(token)

    @pytest.mark.parametrize(
        "token",
        ["", "a", "abcde", "!!!!", "not a cursor at all", "====", "é", "\x00\x01", "A" * 40],
    )
    def test_garbage_is_refused(self, token: str) -> None:
        _assert_invalid_cursor(token)

    @settings(max_examples=200)
    @given(
        values=st.lists(JSON_SCALARS, max_size=6),
        scope=st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    )
    def test_any_encoded_cursor_decodes_to_the_same_values(
        self, values: list[Any], scope: str
    ) -> None:
        token = CODEC.encode(values, scope)
        assert CODEC.decode(token, scope) == values

    @settings(max_examples=200)
    @given(
        values=st.lists(JSON_SCALARS, min_size=1, max_size=4),
        position=st.integers(min_value=0),
        replacement=st.sampled_from(URLSAFE_ALPHABET),
    )
    def test_any_change_to_the_signed_bytes_is_refused(
        self, values: list[Any], position: int, replacement: str
    ) -> None:
        token = CODEC.encode(values, SCOPE)
        position %= len(token)
        forged = token[:position] + replacement + token[position + 1 :]
        # The last character may carry padding bits that do not reach the bytes.
        assume(_b64(forged) != _b64(token))
        _assert_invalid_cursor(forged)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=10**6))
def test_a_decimal_key_round_trips_exactly(value: Decimal) -> None:
    (back,) = CODEC.decode(CODEC.encode([value], SCOPE), SCOPE)
    assert _from_json(back, Decimal) == value
