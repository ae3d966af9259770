"""The OpenAPI document: problem responses, examples and the committed contract."""

import json
import operator
import types
from functools import reduce
from typing import Any, Literal, get_args

from fastapi import FastAPI
from fastapi._compat import get_definitions, get_flat_models_from_fields, get_model_name_map
from fastapi.openapi.utils import get_fields_from_routes, get_openapi
from fastapi.routing import APIRoute
from pydantic import ConfigDict, Field
from pydantic.json_schema import models_json_schema

from app.core.auth import Forbidden
from app.core.errors import (
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPE_PREFIX,
    AppError,
    Problem,
    Unauthorized,
    ValidationFailed,
)
from app.core.i18n import message_for
from app.core.openapi_links import add_create_links

_DEFAULT_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_SCHEMAS = "#/components/schemas/"
_PROBLEM_REF = _SCHEMAS + Problem.__name__


_EXAMPLE_PARAMS = {
    "object": "region",
    "count": 1,
    "limit": 1_048_576,
    "method": "DELETE",
    "expected": "application/json",
    "current": 4,
    "where": " (500112001001001)",
    "state": "exited",
    "import_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
    "region_code": "500112001001",
    "day": "2026-11-15",
}


def operation_id(route: APIRoute) -> str:
    """A route's operationId is its function's name, `<resource>_<verb>` (`households_list`).

    Generated clients name their methods after it, so it is part of the contract:
    readable, stable while the path is, and unique (tests/core/test_contract_truth.py).
    """
    return route.name


def _example(error: type[AppError]) -> dict[str, Any]:
    message = message_for(error.code)
    members = error.members_model
    return {
        "type": PROBLEM_TYPE_PREFIX + error.code,
        "title": message.title_en,
        "status": error.status,
        "detail": message.detail_en.format_map(_EXAMPLE_PARAMS),
        "code": error.code,
        "instance": "/api/v1/...",
        "request_id": "0f4b6c1e9d8a4c7fb1f0a2e3d4c5b6a7",
        **(members.model_json_schema()["examples"][0] if members is not None else {}),
    }


_PROBLEM_MODELS: dict[str, type[Problem]] = {}


def problem_model(error: type[AppError]) -> type[Problem]:
    """The problem an error answers: `Problem`, or for an error that adds members (`allowed`)
    `Problem<Code>`, a named schema with those members and its `code` and `type` as
    constants, so a generated client knows the members a code carries."""
    members = error.members_model
    if members is None:
        return Problem
    found = _PROBLEM_MODELS.get(error.code)
    if found is None:
        name = Problem.__name__ + "".join(word.title() for word in error.code.split("_"))

        def body(namespace: dict[str, Any]) -> None:
            namespace.update(
                __module__=__name__,
                __doc__=f"Problem details of `{error.code}`, with its members.",
                __annotations__={
                    "type": Literal[PROBLEM_TYPE_PREFIX + error.code],
                    "code": Literal[error.code],
                },
                type=Field(
                    description="URI identifying the problem type: `urn:sanzhu:problem:` + `code`."
                ),
                code=Field(description="Stable machine-readable error code."),
                model_config=ConfigDict(json_schema_extra={"examples": [_example(error)]}),
            )

        found = types.new_class(name, (Problem, members), exec_body=body)
        _PROBLEM_MODELS[error.code] = found
    if not issubclass(found, members):
        raise TypeError(f"two errors of code {error.code} declare different members")
    return found


Responses = dict[int | str, dict[str, Any]]
"""`responses=` of a route: status -> OpenAPI response, with FastAPI's `model`."""


def problems(*errors: type[AppError]) -> Responses:
    """`responses=` for a route: each error's status, with its schema and an example per code.

    A status of several codes whose problems differ (`Problem` and `ProblemInvalidTransition`)
    answers any of them (`anyOf`)."""
    return with_problems({}, *errors, AppError)


def with_problems(responses: Responses, *errors: type[AppError]) -> Responses:
    """`responses` that also declare `errors`, each merged into the entry of its status; a
    status the route answers with a body of its own (readiness's 503) stays as it is."""
    merged = dict(responses)
    for error in errors:
        merged[error.status] = _merge_problem(merged.get(error.status), error)
    return dict(sorted(merged.items(), key=lambda item: str(item[0])))


def _merge_problem(entry: dict[str, Any] | None, error: type[AppError]) -> dict[str, Any]:
    entry = entry or {}
    previous = entry.get("model")
    models = (get_args(previous) or (previous,)) if previous is not None else ()
    if not all(issubclass(model, Problem) for model in models):
        return entry
    content = entry.get("content", {})
    media = content.get(PROBLEM_MEDIA_TYPE, {})
    title = message_for(error.code).title_en
    titles = entry["description"].split(" / ") if "description" in entry else []
    return entry | {
        "model": reduce(operator.or_, dict.fromkeys((*models, problem_model(error)))),
        "description": " / ".join(dict.fromkeys((*titles, title))),
        "content": content
        | {
            PROBLEM_MEDIA_TYPE: media
            | {
                "examples": media.get("examples", {})
                | {error.code: {"summary": title, "value": _example(error)}}
            }
        },
    }


ResponseHeaders = dict[str, dict[str, Any]]
"""Response headers as OpenAPI declares them: name -> {description, schema}."""

ETAG: ResponseHeaders = {
    "ETag": {
        "description": 'The version of the object answered, as a weak ETag (`W/"<version>"`): '
        "send it as `If-Match` of the next change of that object.",
        "schema": {"type": "string", "example": 'W/"3"'},
    }
}
LOCATION: ResponseHeaders = {
    "Location": {
        "description": "Path of the object created (or, for a job, of its progress).",
        "schema": {
            "type": "string",
            "example": "/api/v1/households/0193a4c2-5b1e-7c3d-9f00-4d2e8a6b1c27",
        },
    }
}


def sends(status: int, *headers: ResponseHeaders, description: str | None = None) -> Responses:
    """`responses=` entry: the success `status` answers these headers (`ETAG`, `LOCATION`), so
    a generated client reads them (tests/core/test_contract_truth.py compares with what is
    sent)."""
    entry: dict[str, Any] = {"headers": {k: v for group in headers for k, v in group.items()}}
    if description is not None:
        entry["description"] = description
    return {status: entry}


def protected_problems(*errors: type[AppError]) -> Responses:
    """`problems()` for a route behind `require(action)`: adds 401 and 403."""
    return problems(Unauthorized, Forbidden, *errors)


def _is_problem(schema: dict[str, Any]) -> bool:
    refs = [option.get("$ref", "") for option in schema.get("anyOf", [schema])]
    return all(ref.startswith(_PROBLEM_REF) for ref in refs)


def _move_problem_content(operation: dict[str, Any]) -> bool:
    """FastAPI lists error models under application/json; problems are problem+json. True
    when FastAPI's own 422 was replaced, which refers to `ProblemValidationFailed`."""
    replaced = False
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if not status.isdigit() or int(status) < 400 or "application/json" not in content:
            continue
        schema = content["application/json"].get("schema", {})
        default_validation = schema.get("$ref") == _SCHEMAS + _DEFAULT_VALIDATION_SCHEMAS[0]
        if not (default_validation or _is_problem(schema)):
            continue
        del content["application/json"]
        problem = content.setdefault(PROBLEM_MEDIA_TYPE, {})
        if default_validation:
            replaced = True
            schema = {"$ref": _SCHEMAS + problem_model(ValidationFailed).__name__}
            problem.setdefault(
                "examples",
                {
                    "validation_failed": {
                        "summary": "Invalid request",
                        "value": _example(ValidationFailed) | {"instance": "/api/v1/regions"},
                    }
                },
            )
        problem["schema"] = {k: v for k, v in schema.items() if k != "title"}
    return replaced


def _examples_with_nulls(app: FastAPI) -> dict[str, list[Any]]:
    """The examples each schema's model declares, by schema name, as FastAPI names them.

    FastAPI writes the document without nulls (`exclude_none`), and that drops the nulls of
    examples too, so an answer's example would lack fields the answer always holds."""
    fields = get_fields_from_routes(list(app.routes))
    names = get_model_name_map(get_flat_models_from_fields(fields, known_models=set()))
    _, definitions = get_definitions(
        fields=fields, model_name_map=names, separate_input_output_schemas=True
    )
    return {name: d["examples"] for name, d in definitions.items() if "examples" in d}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    replaced = False
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            replaced = _move_problem_content(operation) or replaced
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, examples in _examples_with_nulls(app).items():
        schemas[name]["examples"] = examples
    for name in _DEFAULT_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    if replaced:
        # FastAPI's own 422s now refer to it, whether or not a route named it.
        _, found = models_json_schema(
            [(problem_model(ValidationFailed), "serialization")], ref_template=_SCHEMAS + "{model}"
        )
        for name, schema in found["$defs"].items():
            schemas.setdefault(name, schema)
    add_create_links(document)
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
