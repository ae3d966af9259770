"""The contract tells the truth, so that a client generated from it is exact (issue 13, 11)."""

import re
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.core.etag import ExpectedVersion, OptionalExpectedVersion

METHODS = {"get", "post", "put", "patch", "delete"}
OPERATION_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


@pytest.fixture
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _resource_words(path: str) -> set[str]:
    """What an operation id may start with: the path's first segment, plural or singular."""
    segments = path.removeprefix("/api/v1/").split("/")
    if not path.startswith("/api/v1/"):
        return {"system"}
    plural = segments[0].replace("-", "_")
    singular = re.sub(r"ies$", "y", plural) if plural.endswith("ies") else plural.rstrip("s")
    return {plural, singular}


def test_operation_ids_are_readable_and_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    unreadable = [i for i in ids if not OPERATION_ID.match(i)]
    assert unreadable == []


def test_operation_ids_start_with_their_resource(document: dict[str, Any]) -> None:
    wrong = [
        (method.upper(), path, operation["operationId"])
        for path, method, operation in _operations(document)
        if not any(
            operation["operationId"] == word or operation["operationId"].startswith(word + "_")
            for word in _resource_words(path)
        )
    ]
    assert wrong == []


def test_the_households_list_is_households_list(document: dict[str, Any]) -> None:
    assert document["paths"]["/api/v1/households"]["get"]["operationId"] == "households_list"
    assert document["paths"]["/api/v1/households/{household_id}"]["patch"]["operationId"] == (
        "households_update"
    )


def _dependency_calls(dependant: Dependant) -> set[object]:
    calls: set[object] = set()
    for dependency in dependant.dependencies:
        calls.add(dependency.call)
        calls |= _dependency_calls(dependency)
    return calls


def _if_match(operation: dict[str, Any]) -> dict[str, Any] | None:
    found = [
        p for p in operation.get("parameters", []) if (p["in"], p["name"]) == ("header", "If-Match")
    ]
    return found[0] if found else None


def test_if_match_is_required_exactly_where_its_absence_is_428(
    app: FastAPI, document: dict[str, Any]
) -> None:
    """A write that always wants If-Match says so (`required`), so a generated client makes it
    a required argument; a PUT that may create (the first plan) takes it optionally."""
    always = get_args(ExpectedVersion)[1].dependency
    once_it_exists = get_args(OptionalExpectedVersion)[1].dependency
    routes = {
        context.original_route.name: context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
    }
    checked = 0
    for _, _, operation in _operations(document):
        name = operation["operationId"]
        calls = _dependency_calls(routes[name].dependant)
        parameter = _if_match(operation)
        if always in calls:
            checked += 1
            assert parameter is not None, name
            assert parameter["required"] is True, name
            assert "428" in operation["responses"], name
        elif once_it_exists in calls:
            assert parameter is not None, name
            assert not parameter.get("required"), name
            assert "428" in operation["responses"], name
        else:
            assert parameter is None, name
            assert "428" not in operation["responses"], name
    assert checked >= 10
