"""The contract is a file: openapi/openapi.json matches the app and meets the standard."""

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from app.core.openapi import render_contract
from tests.core.contract_support import operations

CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return dict(document["components"]["schemas"][ref.rsplit("/", 1)[-1]])


def test_committed_contract_matches_the_app(app: FastAPI) -> None:
    assert CONTRACT.read_text(encoding="utf-8") == render_contract(app), (
        "openapi/openapi.json is stale: run `sanzhu export-openapi` and commit it"
    )


def test_every_operation_has_a_summary(document: dict[str, Any]) -> None:
    missing = [f"{m.upper()} {p}" for p, m, op in operations(document) if not op.get("summary")]
    assert missing == []


def test_every_operation_documents_its_problems_as_problem_json(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        errors = {s: r for s, r in operation["responses"].items() if s.isdigit() and int(s) >= 400}
        assert errors, f"{method.upper()} {path} documents no error response"
        for status, response in errors.items():
            if path == "/readyz" and status == "503":
                continue
            content = response.get("content", {})
            assert list(content) == ["application/problem+json"], (
                method,
                path,
                status,
                list(content),
            )


def test_every_success_response_has_an_example(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            for media in response.get("content", {}).values():
                schema = _resolve(document, media.get("schema", {}))
                has_example = "example" in media or "examples" in media or "examples" in schema
                if schema.get("type") == "array":
                    has_example = has_example or "examples" in _resolve(document, schema["items"])
                if "items" in schema.get("properties", {}):
                    items = schema["properties"]["items"]["items"]
                    has_example = has_example or "examples" in _resolve(document, items)
                assert has_example, f"{method.upper()} {path} {status} has no example"


def test_every_field_has_a_description(document: dict[str, Any]) -> None:
    missing = [
        f"{name}.{prop}"
        for name, schema in document["components"]["schemas"].items()
        for prop, definition in schema.get("properties", {}).items()
        if not definition.get("description")
    ]
    assert missing == []


def test_every_parameter_has_a_description(document: dict[str, Any]) -> None:
    missing = [
        f"{m.upper()} {p} {param['name']}"
        for p, m, op in operations(document)
        for param in op.get("parameters", [])
        if not param.get("description")
    ]
    assert missing == []


def test_fastapi_default_validation_schemas_are_replaced(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "Problem" in schemas
