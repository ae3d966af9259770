"""Request ids: a caller's safe id is kept, anything else is replaced."""

import contextvars
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.requestid import accept_or_generate, current_request_id, set_request_id

GENERATED = re.compile(r"[0-9a-f]{32}")
SAFE_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"


class TestAcceptOrGenerate:
    @pytest.mark.parametrize(
        "incoming",
        ["abc", "0f4b6c1e9d8a4c7fb1f0a2e3d4c5b6a7", "req-2026.10.01_X", "a", "x" * 64],
    )
    def test_safe_id_is_kept(self, incoming: str) -> None:
        assert accept_or_generate(incoming) == incoming

    @pytest.mark.parametrize(
        "incoming",
        [
            None,
            "",
            "has space",
            " leading",
            "line\nbreak",
            "tab\there",
            "carriage\rreturn",
            "x" * 65,
            "id;drop",
            "id/slash",
            "ünïcode",
            'quote"d',
        ],
    )
    def test_unsafe_id_is_replaced(self, incoming: str | None) -> None:
        generated = accept_or_generate(incoming)
        assert generated != incoming
        assert GENERATED.fullmatch(generated)

    @pytest.mark.parametrize("incoming", ["abc\n", "x" * 64 + "\n"])
    def test_id_with_trailing_newline_is_replaced(self, incoming: str) -> None:
        generated = accept_or_generate(incoming)
        assert "\n" not in generated
        assert GENERATED.fullmatch(generated)

    def test_generated_ids_are_unique(self) -> None:
        assert len({accept_or_generate(None) for _ in range(100)}) == 100

    @settings(max_examples=200)
    @given(
        incoming=st.one_of(
            st.text(max_size=80),
            st.text(alphabet=SAFE_CHARACTERS + " \t\r\n", max_size=70),
        )
    )
    def test_result_is_always_safe(self, incoming: str) -> None:
        result = accept_or_generate(incoming)
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,64}", result)
        is_safe = re.fullmatch(r"[A-Za-z0-9._-]{1,64}", incoming) is not None
        assert (result == incoming) == is_safe

    @settings(max_examples=100)
    @given(incoming=st.text(alphabet=SAFE_CHARACTERS, min_size=1, max_size=64))
    def test_every_safe_id_is_kept(self, incoming: str) -> None:
        assert accept_or_generate(incoming) == incoming


class TestCurrentRequestId:
    def test_set_id_is_current_in_its_context_only(self) -> None:
        def inside() -> str | None:
            set_request_id("unit-test-id")
            return current_request_id()

        assert contextvars.copy_context().run(inside) == "unit-test-id"
        assert contextvars.copy_context().run(current_request_id) != "unit-test-id"
