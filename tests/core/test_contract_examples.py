"""Every example of the contract is valid (issue 17, Build 3).

A request example is sent to the app, as the contract states it, by a user allowed to
call the operation, on the data it needs (tests/core/example_scenarios.py), and must
succeed; the parameters' examples go with it. An operation with an example is covered
by a scenario or listed with a reason, so a new one cannot slip past. A response
example must be valid for the model its schema was made from.
"""

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.households.ledger_http import bearer
from tests.api.identity.conftest import database_url, demo, demo_template
from tests.api.identity.helpers import client_token
from tests.core.contract_support import operations
from tests.core.example_checks import ExampleChecker, resolved
from tests.core.example_scenarios import SCENARIOS, UNCOVERED, Call

__all__ = ["database_url", "demo", "demo_template"]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _first_example(holder: dict[str, Any]) -> Any | None:
    """The first example a schema, parameter or media type declares (None: none)."""
    if holder.get("examples"):
        examples = holder["examples"]
        first = examples[0] if isinstance(examples, list) else next(iter(examples.values()))
        return first["value"] if isinstance(examples, dict) else first
    return holder.get("example")


def _body_examples(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """Media type -> the first example of the request body in it."""
    found = {}
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        example = _first_example(media)
        if example is None:
            example = _first_example(resolved(document, media.get("schema", {})))
        if example is not None:
            found[media_type] = example
    return found


def _parameter_examples(operation: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """(location, name) -> example of the parameters that declare one."""
    found: dict[tuple[str, str], Any] = {}
    for parameter in operation.get("parameters", []):
        example = _first_example(parameter)
        if example is None:
            example = _first_example(parameter.get("schema", {}))
        if example is not None:
            found[parameter["in"], parameter["name"]] = example
    return found


def _in(parameters: dict[tuple[str, str], Any], where: str) -> dict[str, Any]:
    """The examples of the parameters in one place (`path`, `query`, `header`), by name."""
    return {name: value for (place, name), value in parameters.items() if place == where}


def _with_examples(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Operation id -> (path, method, operation) of every operation with a request example."""
    return {
        operation["operationId"]: (path, method, operation)
        for path, method, operation in operations(document)
        if _body_examples(document, operation) or _parameter_examples(operation)
    }


def test_every_operation_with_an_example_is_sent_or_listed_with_a_reason(
    document: dict[str, Any],
) -> None:
    declared = set(_with_examples(document))
    assert set(SCENARIOS) & set(UNCOVERED) == set()
    assert sorted(declared - set(SCENARIOS) - set(UNCOVERED)) == [], (
        "an operation with an example needs a scenario in tests/core/example_scenarios.py"
    )
    assert sorted((set(SCENARIOS) | set(UNCOVERED)) - declared) == []


def _placeholders(value: Any, key: str | None = None) -> set[str]:
    """The fields of an example body that hold an id (a placeholder for a real object)."""
    if isinstance(value, dict):
        return {found for k, v in value.items() for found in _placeholders(v, k)}
    if isinstance(value, list):
        return {found for item in value for found in _placeholders(item, key)}
    return {key} if isinstance(value, str) and key and _UUID.fullmatch(value) else set()


def _substituted(value: Any, refs: dict[str, str], key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _substituted(v, refs, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_substituted(item, refs, key) for item in value]
    return refs[key] if key in refs and isinstance(value, str) else value


async def _send(
    http: httpx.AsyncClient, document: dict[str, Any], operation_id: str, call: Call
) -> httpx.Response:
    path, method, operation = _with_examples(document)[operation_id]
    bodies = _body_examples(document, operation)
    assert set(bodies) <= {"application/json"}, "only JSON bodies are sent: list it in UNCOVERED"
    example = bodies.get("application/json")
    parameters = _parameter_examples(operation)
    if call.client:
        headers = {"Authorization": f"Bearer {await client_token(http, call.username)}"}
    else:
        headers = await bearer(http, call.username)
    if call.idempotency_key is not None:
        headers["Idempotency-Key"] = call.idempotency_key
    if call.if_match is not None:
        headers["If-Match"] = f'W/"{call.if_match}"'
    headers |= {name: str(value) for name, value in _in(parameters, "header").items()}
    if example is not None:
        missing = _placeholders(example) - set(call.refs)
        assert missing == set(), f"the scenario gives no real id for {sorted(missing)}"
    return await http.request(
        method.upper(),
        path.format_map(_in(parameters, "path") | call.path),
        params=_in(parameters, "query"),
        json=None if example is None else _substituted(example, call.refs),
        headers=headers,
    )


@pytest.mark.parametrize("operation_id", sorted(SCENARIOS))
async def test_the_example_request_succeeds(
    operation_id: str,
    demo: None,
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    document: dict[str, Any],
) -> None:
    call = await SCENARIOS[operation_id](app, anonymous)
    response = await _send(anonymous, document, operation_id, call)
    assert response.is_success, response.text
    _, _, operation = _with_examples(document)[operation_id]
    declared = operation["responses"][str(response.status_code)]
    answer = ExampleChecker(document)
    answer.check("the answer", declared["content"]["application/json"]["schema"], response.json())
    assert answer.failures == []


def _media_examples(media: dict[str, Any]) -> list[Any]:
    examples = media.get("examples", {})
    return [e["value"] for e in examples.values()] + (
        [media["example"]] if "example" in media else []
    )


def test_every_example_of_a_schema_or_a_response_is_valid(document: dict[str, Any]) -> None:
    examples = ExampleChecker(document)
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", []):
            examples.check(f"schema {name}", {"$ref": f"#/components/schemas/{name}"}, example)
        for field, subschema in schema.get("properties", {}).items():
            for option in [subschema, *subschema.get("anyOf", [])]:
                for example in option.get("examples", []):
                    examples.check_field(name, field, example)
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            where = f"{method.upper()} {path} {status}"
            for media_type, media in response.get("content", {}).items():
                for example in _media_examples(media):
                    examples.check(f"{where} {media_type}", media.get("schema", {}), example)
            for header, declared in response.get("headers", {}).items():
                if "example" in declared["schema"]:
                    examples.check(
                        f"{where} {header}", declared["schema"], declared["schema"]["example"]
                    )
    assert examples.failures == []


def test_the_checker_finds_a_field_left_out_and_a_value_its_model_refuses(
    document: dict[str, Any],
) -> None:
    checker = ExampleChecker(document)
    user = {"$ref": "#/components/schemas/UserOut"}
    income = {"$ref": "#/components/schemas/IncomeIn"}
    [user_example] = resolved(document, user)["examples"]
    [income_example] = resolved(document, income)["examples"]
    checker.check("kept", user, user_example)
    checker.check("null organization", user, {**user_example, "organization_id": None})
    left_out = {k: v for k, v in user_example.items() if k != "organization_id"}
    checker.check("left out", user, left_out)
    checker.check("month 13", income, {**income_example, "month": "2026-13"})
    assert {failure.split(":")[0] for failure in checker.failures} == {"left out", "month 13"}
