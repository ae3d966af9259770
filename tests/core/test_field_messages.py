"""Field errors: every code the app raises has a message in zh-CN and en, and a 422 speaks
the caller's language with the same codes (API.md, "Errors")."""

import ast
import re
import string
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest
from pydantic_core.core_schema import ErrorType

from app.core.field_messages import (
    GENERIC_CODE,
    field_message,
    from_pydantic,
    pydantic_types,
    registered_codes,
    render_field,
    template_fields,
)
from app.webhooks.targets import Refusal
from tests.problems import assert_problem

APP = Path(__file__).resolve().parents[2] / "app"
HAN = re.compile(r"[\u4e00-\u9fff]")

CODE_ARGUMENT = {
    "at": 1,
    "in_body": 1,
    "FieldIssue": 1,
    "field_error": 0,
    "InvalidIdNumber": 0,
    "DecimalString": 2,
}
"""Calls that name a field-error code, and which positional argument holds it."""


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _raised() -> list[tuple[str, int, ast.expr, list[ast.keyword]]]:
    """(file, line, code argument, keywords) of every call in app/ that names a code."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            index = CODE_ARGUMENT.get(name or "")
            if index is None or len(node.args) <= index:
                continue
            if name == "at" and not ast.unparse(node.func).startswith("ValidationFailed"):
                continue
            found.append(
                (str(path.relative_to(APP.parent)), node.lineno, node.args[index], node.keywords)
            )
    return found


def _password_codes() -> set[str]:
    """The codes `password_problems` appends: the only list of codes built at run time."""
    tree = ast.parse((APP / "identity" / "rules.py").read_text(encoding="utf-8"))
    function = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and n.name == "password_problems"
    )
    return {
        call.args[0].value
        for call in ast.walk(function)
        if isinstance(call, ast.Call)
        and _name(call) == "append"
        and isinstance(call.args[0], ast.Constant)
    }


@pytest.mark.usefixtures("app")
class TestRegistry:
    def test_every_code_the_app_raises_is_registered(self) -> None:
        raised = _raised()
        constants = {
            (where, line, argument.value)
            for where, line, argument, _ in raised
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
        }
        assert len(constants) > 60, "the scan finds the raisers"
        codes = {code for _, _, code in constants} | _password_codes()
        unregistered = sorted(
            (where, line, code) for where, line, code in constants if code not in registered_codes()
        )
        assert not unregistered
        assert _password_codes() <= registered_codes()
        assert "missing" in codes
        assert "unknown_code" in codes

    def test_a_code_computed_at_run_time_comes_from_a_scanned_list(self) -> None:
        computed = {
            (where, ast.unparse(argument))
            for where, _, argument, _ in _raised()
            if not isinstance(argument, ast.Constant)
        }
        assert computed == {
            ("app/core/errors.py", "code"),
            ("app/core/errors.py", "*from_pydantic(err['type'], err.get('ctx'))"),
            ("app/households/record/validation.py", "exc.code"),
            ("app/households/members/search.py", "exc.code"),
            ("app/households/transfers/service.py", "exc.code"),
            ("app/identity/users.py", "code"),
            ("app/core/money.py", "self.refusal"),
            ("app/webhooks/service.py", "refused.code.value"),
        }, (
            "ValidationFailed.at passes its caller's code on, validation_error pydantic's mapped "
            "one; exc.code is an InvalidIdNumber's code, code one of password_problems', "
            "self.refusal a DecimalString's, refused.code a webhook target's `Refusal` (all "
            "five are checked here)"
        )
        assert {refusal.value for refusal in Refusal} <= registered_codes()

    def test_the_parameters_a_raiser_gives_are_those_its_message_names(self) -> None:
        wrong = []
        for where, line, argument, keywords in _raised():
            if not isinstance(argument, ast.Constant) or argument.value not in registered_codes():
                continue
            names = template_fields(field_message(argument.value))
            for keyword in keywords:
                if (
                    keyword.arg is not None
                    and keyword.arg.removesuffix("_zh").removesuffix("_en") not in names
                ):
                    wrong.append((where, line, argument.value, keyword.arg))
        assert not wrong

    def test_every_message_has_both_languages_with_the_same_parameters(self) -> None:
        for code in registered_codes():
            message = field_message(code)
            # A template made of parameters only takes its Chinese from `_zh` parameters.
            assert HAN.search(message.zh) or set(message.zh) <= set(
                "{} _" + string.ascii_letters
            ), code
            assert not HAN.search(message.en.replace("调休", "")), code
            zh = {n for _, n, _, _ in string.Formatter().parse(message.zh) if n}
            en = {n for _, n, _, _ in string.Formatter().parse(message.en) if n}
            assert zh == en, code


class TestPydanticMapping:
    def test_every_pydantic_error_type_gets_a_registered_code(self) -> None:
        for error_type in get_args(ErrorType):
            code, _ = from_pydantic(error_type, {})
            assert code in registered_codes(), error_type
            if error_type not in pydantic_types():
                assert code == GENERIC_CODE, error_type

    def test_a_type_pydantic_adds_later_falls_back_to_the_generic_code(self) -> None:
        assert from_pydantic("a_type_from_a_future_pydantic", {"x": 1}) == (
            GENERIC_CODE,
            {"x": 1},
        )
        assert GENERIC_CODE in registered_codes()
        assert render_field(GENERIC_CODE, "zh-CN", {}) == "取值不正确"

    def test_a_bound_is_named_in_either_language(self) -> None:
        code, params = from_pydantic("greater_than_equal", {"ge": 1})
        assert code == "too_small"
        assert render_field(code, "zh-CN", params) == "不能小于 1"
        assert render_field(code, "en", params) == "must be at least 1"
        code, params = from_pydantic("less_than_equal", {"le": "Decimal('99999999.99')"})
        assert render_field(code, "en", params) == "must be at most 99999999.99"
        code, params = from_pydantic("string_too_long", {"max_length": 64})
        assert (code, render_field(code, "en", params)) == ("too_long", "at most 64 characters")


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    body = assert_problem(response, 422, "validation_failed")
    return sorted(body["errors"], key=lambda e: e["loc"])


class TestOverHttp:
    async def test_the_same_request_has_the_same_codes_in_each_language(
        self, client: httpx.AsyncClient
    ) -> None:
        url = "/api/v1/regions?limit=0&parent_code=abc"
        chinese = await client.get(url)
        english = await client.get(url, headers={"Accept-Language": "en"})

        assert chinese.headers["content-language"] == "zh-CN"
        assert english.headers["content-language"] == "en"
        assert [(e["loc"], e["code"]) for e in _errors(chinese)] == [
            (["query", "limit"], "too_small"),
            (["query", "parent_code"], "pattern"),
        ]
        assert [(e["loc"], e["code"]) for e in _errors(english)] == [
            (e["loc"], e["code"]) for e in _errors(chinese)
        ]
        assert [e["msg"] for e in _errors(chinese)] == ["不能小于 1", "格式不符合要求"]
        assert [e["msg"] for e in _errors(english)] == [
            "must be at least 1",
            "does not have the required format",
        ]

    async def test_a_rule_of_a_service_speaks_the_language_too(
        self, client: httpx.AsyncClient
    ) -> None:
        url = "/api/v1/calendar?start=2026-01-01&end=2027-01-02"
        chinese = _errors(await client.get(url, headers={"Accept-Language": "zh-CN,en;q=0.5"}))
        english = _errors(await client.get(url, headers={"Accept-Language": "en-GB"}))

        assert chinese == [
            {"loc": ["query", "end"], "msg": "范围不能超过 366 天", "code": "range_too_long"}
        ]
        assert english == [
            {"loc": ["query", "end"], "msg": "at most 366 days apart", "code": "range_too_long"}
        ]

    async def test_the_contract_says_msg_follows_the_language(
        self, document: dict[str, Any]
    ) -> None:
        schema = document["components"]["schemas"]["FieldError"]["properties"]
        assert "negotiated language" in schema["msg"]["description"]
