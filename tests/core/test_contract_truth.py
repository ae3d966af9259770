"""The contract tells the truth, so that a client generated from it is exact (issue 13, 11)."""

import re
from typing import Any

import pytest
from fastapi import FastAPI

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
