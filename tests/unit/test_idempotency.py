"""The request fingerprint that tells a retry from a different request."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.idempotency import fingerprint

BASE = ("POST", "/api/v1/households", "dry_run=false", b'{"name":"x"}')


class TestFingerprint:
    def test_is_a_sha256_hex_digest(self) -> None:
        assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(*BASE))

    def test_same_request_gives_the_same_fingerprint(self) -> None:
        assert fingerprint(*BASE) == fingerprint(*BASE)

    @pytest.mark.parametrize(
        "changed",
        [
            ("PUT", *BASE[1:]),
            (BASE[0], "/api/v1/people", *BASE[2:]),
            (*BASE[:2], "dry_run=true", BASE[3]),
            (*BASE[:3], b'{"name":"y"}'),
            (*BASE[:3], b""),
            (*BASE[:2], "", BASE[3]),
        ],
    )
    def test_any_changed_part_changes_the_fingerprint(
        self, changed: tuple[str, str, str, bytes]
    ) -> None:
        assert fingerprint(*changed) != fingerprint(*BASE)

    def test_method_case_matters(self) -> None:
        assert fingerprint("post", *BASE[1:]) != fingerprint(*BASE)

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            (("ab", "c", "", b""), ("a", "bc", "", b"")),
            (("POST", "/a", "b", b""), ("POST", "/ab", "", b"")),
            (("POST", "/a", "", b"b"), ("POST", "/a", "b", b"")),
            (("POST", "", "", b""), ("POS", "T", "", b"")),
            (("", "", "", b"x"), ("x", "", "", b"")),
        ],
    )
    def test_ambiguous_splits_differ(
        self, first: tuple[str, str, str, bytes], second: tuple[str, str, str, bytes]
    ) -> None:
        assert "".join(first[:3]).encode() + first[3] == "".join(second[:3]).encode() + second[3]
        assert fingerprint(*first) != fingerprint(*second)

    @settings(max_examples=200)
    @given(
        first=st.tuples(
            st.text(max_size=6), st.text(max_size=6), st.text(max_size=6), st.binary(max_size=6)
        ),
        second=st.tuples(
            st.text(max_size=6), st.text(max_size=6), st.text(max_size=6), st.binary(max_size=6)
        ),
    )
    def test_different_requests_have_different_fingerprints(
        self, first: tuple[str, str, str, bytes], second: tuple[str, str, str, bytes]
    ) -> None:
        first, second = tuple(_safe(p) for p in first), tuple(_safe(p) for p in second)
        assert (fingerprint(*first) == fingerprint(*second)) == (first == second)


def _safe(part: str | bytes) -> str | bytes:
    """Lone surrogates cannot be UTF-8 encoded and never arrive in a request."""
    if isinstance(part, str):
        return part.encode("utf-8", "replace").decode("utf-8")
    return part
