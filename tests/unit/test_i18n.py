"""Language negotiation and the bilingual problem messages."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import app.main  # noqa: F401 - registers every domain's messages
from app.core import i18n
from app.core.errors import AppError
from app.core.i18n import (
    DEFAULT_LANGUAGE,
    Message,
    known_codes,
    message_for,
    negotiate_language,
    register_messages,
    render,
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _all_error_classes() -> list[type[AppError]]:
    found: list[type[AppError]] = []
    pending = [AppError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


class TestNegotiateLanguage:
    def test_default_is_chinese(self) -> None:
        assert DEFAULT_LANGUAGE == "zh-CN"

    @pytest.mark.parametrize("header", [None, ""])
    def test_missing_header_gives_chinese(self, header: str | None) -> None:
        assert negotiate_language(header) == "zh-CN"

    @pytest.mark.parametrize(
        ("header", "language"),
        [
            ("en", "en"),
            ("en-US,en;q=0.9", "en"),
            ("EN-gb", "en"),
            ("zh-CN,en;q=0.8", "zh-CN"),
            ("en;q=0.5, zh;q=0.9", "zh-CN"),
            ("zh;q=0.4, en;q=0.6", "en"),
            ("zh-TW", "zh-CN"),
            ("fr", "zh-CN"),
            ("fr, en;q=0.1", "en"),
            ("de-DE,fr;q=0.9", "zh-CN"),
            ("*", "zh-CN"),
            ("en ; q=0.3 , zh ; q=0.2", "en"),
        ],
    )
    def test_highest_quality_supported_language_wins(self, header: str, language: str) -> None:
        assert negotiate_language(header) == language

    def test_equal_quality_keeps_the_first_listed(self) -> None:
        assert negotiate_language("en, zh") == "en"
        assert negotiate_language("zh, en") == "zh-CN"

    @pytest.mark.parametrize(
        "header", ["en;q=abc", "en;q=", "en;q=0.5.5", ";;;", ",,,", "en;q=nan", "q=1"]
    )
    def test_malformed_header_does_not_crash(self, header: str) -> None:
        assert negotiate_language(header) in ("zh-CN", "en")

    def test_malformed_quality_loses_to_a_valid_one(self) -> None:
        assert negotiate_language("en;q=abc, zh;q=0.1") == "zh-CN"

    def test_quality_zero_means_not_acceptable(self) -> None:
        # RFC 9110 section 12.4.2: "q=0" marks a language as not acceptable.
        assert negotiate_language("en;q=0") == "zh-CN"

    @settings(max_examples=200)
    @given(header=st.text(max_size=80))
    def test_any_header_gives_a_supported_language(self, header: str) -> None:
        assert negotiate_language(header) in ("zh-CN", "en")


class TestRender:
    def test_fills_parameters_in_english(self) -> None:
        title, detail = render("method_not_allowed", "en", {"method": "PATCH"})
        assert title == "Method not allowed"
        assert detail == "This path does not accept the PATCH method."

    def test_fills_parameters_in_chinese(self) -> None:
        title, detail = render("validation_failed", "zh-CN", {"count": 3})
        assert title == "请求参数不正确"
        assert detail == "请求中有 3 处错误，详见 errors。"

    def test_unknown_code_falls_back_to_internal_error(self) -> None:
        assert render("no_such_code_anywhere", "en", {}) == render("internal_error", "en", {})
        assert message_for("no_such_code_anywhere") is message_for("internal_error")

    def test_missing_parameter_raises_key_error(self) -> None:
        with pytest.raises(KeyError):
            render("not_found", "en", {})


class TestRegisteredMessages:
    def test_core_codes_are_registered(self) -> None:
        assert {
            "internal_error",
            "not_found",
            "validation_failed",
            "version_mismatch",
            "idempotency_key_reused",
        } <= known_codes()

    @pytest.mark.parametrize("code", sorted(known_codes()))
    def test_every_code_has_texts_in_both_languages(self, code: str) -> None:
        message = message_for(code)
        for text in (message.title_zh, message.title_en, message.detail_zh, message.detail_en):
            assert text.strip()
        assert message.title_zh != message.title_en
        assert message.detail_zh != message.detail_en

    @pytest.mark.parametrize("code", sorted(known_codes()))
    def test_both_languages_use_the_same_parameters(self, code: str) -> None:
        message = message_for(code)
        assert _fields(message.detail_zh) == _fields(message.detail_en)
        assert _fields(message.title_zh) == _fields(message.title_en) == set()

    @pytest.mark.parametrize("code", sorted(known_codes()))
    def test_every_code_renders_with_its_parameters(self, code: str) -> None:
        message = message_for(code)
        params: dict[str, object] = {name: f"<{name}>" for name in _fields(message.detail_en)}
        for language in ("zh-CN", "en"):
            title, detail = render(code, language, params)
            assert title
            assert "{" not in detail
            for value in params.values():
                assert value in detail

    def test_every_error_class_has_a_registered_code(self) -> None:
        missing = {cls.code for cls in _all_error_classes()} - known_codes()
        assert missing == set()


class TestRegisterMessages:
    @pytest.fixture(autouse=True)
    def _private_registry(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(i18n, "_MESSAGES", dict(i18n._MESSAGES))

    def test_new_code_becomes_known(self) -> None:
        register_messages({"unit_test_code": Message("标题", "Title", "详情", "Detail")})
        assert "unit_test_code" in known_codes()
        assert render("unit_test_code", "en", {}) == ("Title", "Detail")

    def test_duplicate_code_is_refused(self) -> None:
        with pytest.raises(ValueError, match="internal_error"):
            register_messages({"internal_error": Message("a", "b", "c", "d")})
        assert message_for("internal_error").title_en == "Internal server error"

    def test_refused_batch_registers_nothing(self) -> None:
        with pytest.raises(ValueError, match="registered twice"):
            register_messages(
                {
                    "unit_test_fresh": Message("a", "b", "c", "d"),
                    "not_found": Message("a", "b", "c", "d"),
                }
            )
        assert "unit_test_fresh" not in known_codes()
