"""Every example of the contract is valid (issue 17, Build 3).

A request example is sent to the app, as the contract states it, by a user allowed to
call the operation, on the data it needs (tests/core/example_scenarios.py), and must
succeed; the parameters' examples go with it. An operation with an example is covered
by a scenario or listed with a reason, so a new one cannot slip past. A response
example must be valid for the model its schema was made from.
"""

import json
import re
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.core.examples import EXAMPLE_ID_NUMBER
from tests.api.households.ledger_http import bearer
from tests.api.identity.conftest import database_url, demo, demo_template
from tests.core.contract_support import operations
from tests.core.example_scenarios import SCENARIOS, UNCOVERED, Call
from tests.factories import GRID_B1_1, create_household

__all__ = ["database_url", "demo", "demo_template"]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _first_example(holder: dict[str, Any]) -> Any | None:
    """The first example a schema, parameter or media type declares (None: none)."""
    if holder.get("examples"):
        examples = holder["examples"]
        first = examples[0] if isinstance(examples, list) else next(iter(examples.values()))
        return first["value"] if isinstance(examples, dict) else first
    return holder.get("example")


def _body_example(document: dict[str, Any], operation: dict[str, Any]) -> Any | None:
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None:
        return None
    found = _first_example(media)
    return found if found is not None else _first_example(_schema(document, media["schema"]))


def _parameter_examples(operation: dict[str, Any]) -> dict[str, Any]:
    """(location, name) -> example of the parameters that declare one."""
    found = {}
    for parameter in operation.get("parameters", []):
        example = _first_example(parameter)
        if example is None:
            example = _first_example(parameter.get("schema", {}))
        if example is not None:
            found[parameter["in"], parameter["name"]] = example
    return found


def _with_examples(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Operation id -> (path, method, operation) of every operation with a request example."""
    return {
        operation["operationId"]: (path, method, operation)
        for path, method, operation in operations(document)
        if _body_example(document, operation) is not None or _parameter_examples(operation)
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
    example = _body_example(document, operation)
    parameters = _parameter_examples(operation)
    headers = await bearer(http, call.username)
    if call.if_match is not None:
        headers["If-Match"] = f'W/"{call.if_match}"'
    headers |= {name: str(v) for (where, name), v in parameters.items() if where == "header"}
    if example is not None:
        missing = _placeholders(example) - set(call.refs)
        assert missing == set(), f"the scenario gives no real id for {sorted(missing)}"
    return await http.request(
        method.upper(),
        path.format(**call.path),
        params={name: v for (where, name), v in parameters.items() if where == "query"},
        json=None if example is None else _substituted(example, call.refs),
        headers=headers,
    )


async def _holder_of_the_example_person(app: FastAPI) -> None:
    """The example ID number belongs to a member of a household of street B, whom street A
    asks for (transfer requests) and finds (person search)."""
    await create_household(
        app,
        region=GRID_B1_1,
        members=[
            {"name": "李建国", "relation_to_head": "self"},
            {"name": "张秀英", "relation_to_head": "spouse", "id_number": EXAMPLE_ID_NUMBER},
        ],
    )


NEEDS_THE_PERSON = {"persons_search", "transfer_requests_create"}


@pytest.mark.parametrize("operation_id", sorted(SCENARIOS))
async def test_the_example_request_succeeds(
    operation_id: str,
    demo: None,
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    document: dict[str, Any],
) -> None:
    if operation_id in NEEDS_THE_PERSON:
        await _holder_of_the_example_person(app)
    call = await SCENARIOS[operation_id](app, anonymous)
    response = await _send(anonymous, document, operation_id, call)
    assert response.is_success, response.text
    _, _, operation = _with_examples(document)[operation_id]
    assert str(response.status_code) in operation["responses"]
    if operation_id == "persons_search":
        assert [m["name"] for m in response.json()["items"]] == ["张秀英"]



def _app_models() -> dict[str, list[type[BaseModel]]]:
    """The app's pydantic models by class name: the name of the schema each one makes."""
    found: dict[str, list[type[BaseModel]]] = {}
    seen: set[type[BaseModel]] = set()
    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        model = pending.pop()
        pending.extend(sub for sub in model.__subclasses__() if sub not in seen)
        seen.update(model.__subclasses__())
        if model.__module__.startswith("app."):
            found.setdefault(model.__name__, []).append(model)
    return found


class _Examples:
    """Checks examples against the models their schemas were made from; collects what fails."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.models = _app_models()
        self.failures: list[str] = []

    def model(self, name: str) -> type[BaseModel] | None:
        models = self.models.get(name, [])
        if len(models) != 1:
            self.failures.append(f"schema {name}: {len(models)} app models of that name")
            return None
        return models[0]

    def check_field(self, name: str, field: str, example: Any) -> None:
        """`example` is valid for the field `field` (by its JSON name) of the model `name`."""
        model = self.model(name)
        if model is None:
            return
        [info] = [i for n, i in model.model_fields.items() if (i.alias or n) == field]
        annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        adapter: TypeAdapter[Any] = TypeAdapter(annotation)
        errors = self._invalid(adapter, example)
        if errors:
            self.failures.append(f"{name}.{field}: {errors}")

    def check(self, where: str, schema: dict[str, Any], example: Any) -> None:
        """`example` is valid for `schema`: a component's model, any of `anyOf`, or a header's
        plain `type`."""
        missing = self._missing(schema, example, "")
        if missing:
            self.failures.append(f"{where}: required but left out: {missing}")
        errors = self._errors(schema, example)
        if errors:
            self.failures.append(f"{where}: {errors}")

    def _missing(self, schema: dict[str, Any], value: Any, at: str) -> list[str]:
        """What the schema requires that the example leaves out, by path. (The contract
        states what an answer always holds: an answer's fields are required, null or not,
        which a model with defaults would not see.)"""
        schema = _schema(self.document, schema)
        if "anyOf" in schema:
            options = [self._missing(option, value, at) for option in schema["anyOf"]]
            return [] if [] in options else options[0]
        if isinstance(value, dict):
            properties = schema.get("properties", {})
            missing = [f"{at}.{name}" for name in schema.get("required", []) if name not in value]
            for name, item in value.items():
                if name in properties:
                    missing += self._missing(properties[name], item, f"{at}.{name}")
            return missing
        if isinstance(value, list) and "items" in schema:
            return [
                found
                for index, item in enumerate(value)
                for found in self._missing(schema["items"], item, f"{at}[{index}]")
            ]
        return []

    def _errors(self, schema: dict[str, Any], example: Any) -> str | None:
        if "$ref" in schema:
            model = self.model(schema["$ref"].rsplit("/", 1)[-1])
            if model is None:
                return None
            return self._invalid(TypeAdapter(model), example)
        if "anyOf" in schema:
            errors = [self._errors(option, example) for option in schema["anyOf"]]
            return None if None in errors else " / ".join(str(e) for e in errors)
        if "type" not in schema:
            return None
        return None if type(example) is _JSON_TYPES[schema["type"]] else f"not {schema['type']}"

    @staticmethod
    def _invalid(adapter: TypeAdapter[Any], example: Any) -> str | None:
        try:
            adapter.validate_json(json.dumps(example), by_alias=True, by_name=True)
        except ValidationError as error:
            return str(error)
        return None


_JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}
"""A plain (inline) schema's JSON type, for headers and bodies that name no model."""


def _media_examples(media: dict[str, Any]) -> list[Any]:
    examples = media.get("examples", {})
    return [e["value"] for e in examples.values()] + (
        [media["example"]] if "example" in media else []
    )


def test_every_example_of_a_schema_or_a_response_is_valid(document: dict[str, Any]) -> None:
    examples = _Examples(document)
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
