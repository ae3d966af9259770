"""OpenAPI links from each creating operation to the operations on what it created.

A POST on `P` answering 201 creates the object that the operations under `P/{name}` read and
change. Its 201 response links to each of them, saying where `{name}` comes from (the created
object's `id` for a uuid parameter, else its field of the parameter's name) and that the
parent's path parameters are the request's own (an operation needing a path parameter more
is not linked), and a change of the object itself names the version the 201 answered
(`If-Match` from its `ETag`). A generated client can follow them, and so
does schemathesis's stateful phase (`make fuzz-long`): a new route is linked the day it lands.
"""

import re
from typing import Any

_METHODS = ("get", "put", "post", "patch", "delete")
_PARAMETER = re.compile(r"\{([^}]+)\}")


def _resolve(node: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return schemas[ref.rsplit("/", 1)[1]] if isinstance(ref, str) else node


def _created_fields(created: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    schema = created.get("content", {}).get("application/json", {}).get("schema", {})
    properties: dict[str, Any] = _resolve(schema, schemas).get("properties", {})
    return properties


def _new_parameter(collection: str, path: str) -> str | None:
    """`name` when `path` is `collection/{name}` or below it."""
    match = re.match(re.escape(collection) + r"/\{([^}]+)\}(/|$)", path)
    return match.group(1) if match else None


def _path_schema(operation: dict[str, Any], name: str) -> dict[str, Any]:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path" and parameter["name"] == name:
            schema: dict[str, Any] = parameter.get("schema", {})
            return schema
    return {}


def _needs_version(operation: dict[str, Any]) -> bool:
    return any(
        parameter["in"] == "header" and parameter["name"] == "If-Match"
        for parameter in operation.get("parameters", [])
    )


def _source_field(name: str, schema: dict[str, Any], fields: dict[str, Any]) -> str | None:
    if schema.get("format") == "uuid" and "id" in fields:
        return "id"
    return name if name in fields else None


def add_create_links(document: dict[str, Any]) -> None:
    """Add `links` to every 201 of a POST, to the operations on the object it created."""
    paths: dict[str, dict[str, Any]] = document.get("paths", {})
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    for collection, item in paths.items():
        created = item.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        fields = _created_fields(created, schemas)
        inherited = {name: f"$request.path.{name}" for name in _PARAMETER.findall(collection)}
        for path, target in paths.items():
            name = _new_parameter(collection, path)
            if name is None:
                continue
            for method in _METHODS:
                operation = target.get(method)
                if operation is None:
                    continue
                field = _source_field(name, _path_schema(operation, name), fields)
                if field is None or set(_PARAMETER.findall(path)) - {*inherited, name}:
                    continue
                parameters = inherited | {name: f"$response.body#/{field}"}
                # The created object's own version is the one a change of that object names.
                own = path.count("/") == collection.count("/") + 1
                if own and _needs_version(operation) and "ETag" in created.get("headers", {}):
                    parameters["header.If-Match"] = "$response.header.ETag"
                created.setdefault("links", {})[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": parameters,
                    "description": f"`{name}` is the created object's `{field}`.",
                }
