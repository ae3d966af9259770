"""The contract tells the truth, so that a client generated from it is exact (issue 13, 11)."""

import re
from typing import Any, get_args

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.core.errors import PROBLEM_MEDIA_TYPE, AppError
from app.core.etag import ExpectedVersion, OptionalExpectedVersion
from app.households.errors import AllowedActions, InvalidTransition

METHODS = {"get", "post", "put", "patch", "delete"}
COMPONENTS = "#/components/schemas/"
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


def _subclasses(error: type[AppError]) -> list[type[AppError]]:
    return [error, *(found for sub in error.__subclasses__() for found in _subclasses(sub))]


def _with_members() -> dict[str, type[AppError]]:
    """Every error code that adds members to its problem (the app has imported every domain)."""
    return {e.code: e for e in _subclasses(AppError) if e.members_model is not None}


def _options(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The component schemas a problem response may be, by name."""
    refs = [option["$ref"] for option in schema.get("anyOf", [schema])]
    schemas = document["components"]["schemas"]
    return [schemas[ref.removeprefix(COMPONENTS)] for ref in refs]


def _without_default(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "default"}


def test_every_problem_member_sent_is_declared_where_its_code_is_listed(
    document: dict[str, Any],
) -> None:
    """`allowed`, `household_id`, `errors`...: a generated client knows them, per code."""
    with_members = _with_members()
    listed: set[str] = set()
    for _, _, operation in _operations(document):
        for status, response in operation["responses"].items():
            content = response.get("content", {}).get(PROBLEM_MEDIA_TYPE)
            if content is None:
                continue
            options = _options(document, content["schema"])
            for code in content["examples"]:
                where = (operation["operationId"], status, code)
                error = with_members.get(code)
                if error is None:
                    assert document["components"]["schemas"]["Problem"] in options, where
                    continue
                assert error.members_model is not None
                members = error.members_model.model_json_schema(
                    ref_template=COMPONENTS + "{model}", mode="serialization"
                )
                declared = [o for o in options if o["properties"]["code"].get("const") == code]
                assert len(declared) == 1, where
                for name, member in members["properties"].items():
                    # FastAPI leaves out a default of None, which a member that may be absent has.
                    assert declared[0]["properties"][name] == _without_default(member), where
                assert set(members.get("required", [])) <= set(declared[0]["required"]), where
                listed.add(code)
    assert listed == set(with_members)


async def test_the_members_a_problem_sends_are_its_declared_ones(
    document: dict[str, Any], anonymous: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    schemas = document["components"]["schemas"]
    answers = {
        "ProblemInvalidGrant": await anonymous.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "nobody", "password": "wrong-password"},
        ),
        "ProblemValidationFailed": await client.get("/api/v1/regions?limit=0"),
    }
    for name, answer in answers.items():
        body = answer.json()
        assert set(body) <= set(schemas[name]["properties"]), name
        assert set(schemas[name]["required"]) <= set(body), name
        assert body["code"] == schemas[name]["properties"]["code"]["const"]


def test_an_error_sends_only_its_declared_members() -> None:
    allowed = AllowedActions(allowed=["reenter"])
    assert InvalidTransition("exited", ["reenter"]).extra == {"allowed": ["reenter"]}
    with pytest.raises(TypeError):
        AppError(members=allowed)
