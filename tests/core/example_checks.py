"""Checks an example (or an answer) against the contract: the schema's required fields, and
the pydantic model the schema was made from (its types, patterns, codes and validators)."""

import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

_JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}
"""A plain (inline) schema's JSON type, for headers and bodies that name no model."""


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` names (any other schema as it is)."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


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
            # A generic model's schema is named without brackets (`Page_PersonMatch_`).
            found.setdefault(re.sub(r"\W", "_", model.__name__), []).append(model)
    return found


class ExampleChecker:
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
        annotation = (
            Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        )
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
        schema = resolved(self.document, schema)
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
