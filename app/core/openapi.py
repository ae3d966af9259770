"""The OpenAPI document: problem responses, examples and the committed contract."""

import json
from collections import defaultdict
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.core.auth import Forbidden
from app.core.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX, AppError, Problem, Unauthorized
from app.core.i18n import message_for

_DEFAULT_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


_EXAMPLE_PARAMS = {
    "object": "region",
    "count": 1,
    "limit": 1_048_576,
    "method": "DELETE",
    "expected": "application/json",
    "current": 4,
    "action": "users:manage",
    "where": " (500112001001001)",
    "state": "exited",
    "import_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
}


def operation_id(route: APIRoute) -> str:
    """A route's operationId is its function's name, `<resource>_<verb>` (`households_list`).

    Generated clients name their methods after it, so it is part of the contract:
    readable, stable while the path is, and unique (tests/core/test_contract_truth.py).
    """
    return route.name


def _example(error: type[AppError]) -> dict[str, Any]:
    message = message_for(error.code)
    return {
        "type": PROBLEM_TYPE_PREFIX + error.code,
        "title": message.title_en,
        "status": error.status,
        "detail": message.detail_en.format_map(_EXAMPLE_PARAMS),
        "code": error.code,
        "instance": "/api/v1/...",
        "request_id": "0f4b6c1e9d8a4c7fb1f0a2e3d4c5b6a7",
    }


def problems(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each error's status, with an example per code."""
    by_status: dict[int, list[type[AppError]]] = defaultdict(list)
    error: type[AppError]
    for error in (*errors, AppError):
        by_status[error.status].append(error)
    responses: dict[int | str, dict[str, Any]] = {}
    for status, group in sorted(by_status.items()):
        responses[status] = {
            "model": Problem,
            "description": " / ".join(dict.fromkeys(message_for(e.code).title_en for e in group)),
            "content": {
                PROBLEM_MEDIA_TYPE: {
                    "examples": {
                        e.code: {"summary": message_for(e.code).title_en, "value": _example(e)}
                        for e in group
                    }
                }
            },
        }
    return responses


def protected_problems(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """`problems()` for a route behind `require(action)`: adds 401 and 403."""
    return problems(Unauthorized, Forbidden, *errors)


def _move_problem_content(operation: dict[str, Any]) -> None:
    """FastAPI lists error models under application/json; problems are problem+json."""
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if not status.isdigit() or int(status) < 400 or "application/json" not in content:
            continue
        schema = content["application/json"].get("schema", {})
        if status != "422" and schema.get("$ref") != "#/components/schemas/Problem":
            continue
        del content["application/json"]
        problem = content.setdefault(PROBLEM_MEDIA_TYPE, {})
        if status == "422":
            schema = {"$ref": "#/components/schemas/Problem"}
            problem.setdefault(
                "examples",
                {
                    "validation_failed": {
                        "summary": "Invalid request",
                        "value": {**_validation_example()},
                    }
                },
            )
        problem["schema"] = schema


def _validation_example() -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_PREFIX + "validation_failed",
        "title": "Invalid request",
        "status": 422,
        "detail": "The request has 1 error(s); see errors.",
        "code": "validation_failed",
        "instance": "/api/v1/regions",
        "request_id": "0f4b6c1e9d8a4c7fb1f0a2e3d4c5b6a7",
        "errors": [
            {
                "loc": ["query", "limit"],
                "msg": "must be at most 200",
                "code": "too_large",
            }
        ],
    }


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            _move_problem_content(operation)
    schemas = document.get("components", {}).get("schemas", {})
    for name in _DEFAULT_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    return document


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def render_contract(app: FastAPI) -> str:
    """The committed `openapi/openapi.json`: stable key order, trailing newline."""
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
