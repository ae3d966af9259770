"""Request bodies take JSON's own scalars only: an integer field refuses `true`, a boolean
field refuses `1` and `"yes"`.

Pydantic's lax mode turns `true` into 1 and `"yes"` into True, so a client's type error
would be stored as a figure (the fuzz gate found it in policy versions). This walks every
integer and boolean field of every JSON request body in the committed contract (a form
field is text by nature and parsed as such), so a field
added without `strict=True` fails here.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import app.main  # noqa: F401  (imports every domain's schemas)

CONTRACT = json.loads(Path("openapi/openapi.json").read_text())
SCHEMAS: dict[str, Any] = CONTRACT["components"]["schemas"]
WRONG: dict[str, tuple[object, ...]] = {"integer": (True, False), "boolean": (1, 0, "yes", "true")}


def _models() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    pending: list[type[BaseModel]] = [BaseModel]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub.__module__.startswith("app."):
                found.setdefault(sub.__name__, sub)
            pending.append(sub)
    return found


def _scalars(
    schema: dict[str, Any], owner: str, field: str, seen: frozenset[str]
) -> Iterator[tuple[str, str, str]]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _scalars(SCHEMAS[name], name, "", seen | {name})
        return
    if schema.get("type") in WRONG and field:
        yield owner, field, schema["type"]
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _scalars(part, owner, field, seen)
    if "items" in schema:
        yield from _scalars(schema["items"], owner, field, seen)
    for name, part in schema.get("properties", {}).items():
        yield from _scalars(part, owner, name, seen)


def _request_scalars() -> list[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for item in CONTRACT["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            json_body = (body or {}).get("content", {}).get("application/json")
            if json_body is not None:
                found.update(_scalars(json_body["schema"], "", "", frozenset()))
    return sorted(found)


SCALARS = _request_scalars()


def test_the_walk_finds_the_known_fields() -> None:
    assert ("AssetIn", "count", "integer") in SCALARS
    assert ("CalendarYearIn", "year", "integer") in SCALARS


@pytest.mark.parametrize(("model", "field", "kind"), SCALARS)
def test_a_request_scalar_takes_only_its_own_json_type(model: str, field: str, kind: str) -> None:
    cls = _models()[model]
    for value in WRONG[kind]:
        with pytest.raises(ValidationError) as refused:
            cls.model_validate({field: value})
        mine = [e for e in refused.value.errors() if e["loc"][:1] == (field,)]
        assert mine, f"{model}.{field} took {value!r}"
        assert {e["type"] for e in mine} <= {"int_type", "bool_type"}, mine
