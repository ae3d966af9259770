"""The contract tells the truth, so that a client generated from it is exact (issue 13, 11)."""

import json
import re
from typing import Any, get_args

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import PROBLEM_MEDIA_TYPE, AppError
from app.core.etag import ExpectedVersion, OptionalExpectedVersion
from app.core.transitions import AllowedActions, InvalidTransition
from tests.api.households.ledger_http import AGENCY, bearer, member, organization_id
from tests.api.households.records import HOUSEHOLDS, VEHICLE, household_body
from tests.core.contract_support import operations
from tests.factories import create_demo_district

COMPONENTS = "#/components/schemas/"
OPERATION_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def _resource_words(path: str) -> set[str]:
    """What an operation id may start with: the path's first segment, plural or singular."""
    segments = path.removeprefix("/api/v1/").split("/")
    if not path.startswith("/api/v1/"):
        return {"system"}
    plural = segments[0].replace("-", "_")
    singular = re.sub(r"ies$", "y", plural) if plural.endswith("ies") else plural.rstrip("s")
    return {plural, singular}


def test_operation_ids_are_readable_and_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    unreadable = [i for i in ids if not OPERATION_ID.match(i)]
    assert unreadable == []


def test_operation_ids_start_with_their_resource(document: dict[str, Any]) -> None:
    wrong = [
        (method.upper(), path, operation["operationId"])
        for path, method, operation in operations(document)
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


ENUM_WORDS = ("status", "state", "kind", "type", "role")
OPEN_STRINGS = {
    "ExpenditureOut.kind": "dictionary `rigid_expenditure_kind`, which admins extend",
    "KindTotal.kind": "dictionary `rigid_expenditure_kind`, which admins extend",
    "AuditEventOut.object_type": "the append-only audit log keeps what past versions wrote",
    "Problem.type": "a URI, `urn:sanzhu:problem:` + `code`",
}
"""Response fields named like a closed set that are not one, each with the reviewed reason."""
DICTIONARY_NAMED = re.compile(r"dictionary `([a-z_]+)`", re.IGNORECASE)


def _schema_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _referenced(node: Any) -> set[str]:
    """Names of the component schemas a piece of the document refers to, directly."""
    if isinstance(node, dict):
        found = {_schema_name(node["$ref"])} if "$ref" in node else set()
        return found.union(*(_referenced(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_referenced(value) for value in node))
    return set()


def _response_schemas(document: dict[str, Any]) -> set[str]:
    """Every component schema a response can carry, nested ones included."""
    schemas = document["components"]["schemas"]
    pending = set().union(*(_referenced(op["responses"]) for _, _, op in operations(document)))
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        seen.add(name)
        pending |= _referenced(schemas[name]) - seen
    return seen


def _string_branch(document: dict[str, Any], definition: dict[str, Any]) -> dict[str, Any] | None:
    """The string schema a property holds (itself, a nullable union's or a list's items)."""
    if "$ref" in definition:
        definition = document["components"]["schemas"][_schema_name(definition["$ref"])]
    if definition.get("type") == "string":
        return definition
    if definition.get("type") == "array":
        return _string_branch(document, definition["items"])
    for branch in definition.get("anyOf", []):
        found = _string_branch(document, branch)
        if found is not None:
            return found
    return None


def _response_string_fields(document: dict[str, Any]) -> dict[str, tuple[dict, dict]]:
    schemas = document["components"]["schemas"]
    fields: dict[str, tuple[dict, dict]] = {}
    for name in _response_schemas(document):
        for prop, definition in schemas[name].get("properties", {}).items():
            string = _string_branch(document, definition)
            if string is not None:
                fields[f"{name}.{prop}"] = (definition, string)
    return fields


def test_response_fields_named_like_a_closed_set_are_enums(document: dict[str, Any]) -> None:
    plain = sorted(
        field
        for field, (_, string) in _response_string_fields(document).items()
        if any(field.split(".")[1] == w or field.endswith(f"_{w}") for w in ENUM_WORDS)
        and "enum" not in string
        and "const" not in string
        and field not in OPEN_STRINGS
    )
    assert plain == []


def test_response_fields_of_fixed_dictionaries_list_their_codes(
    document: dict[str, Any],
) -> None:
    from app.dictionaries.catalog import CATALOG

    fixed = {t.name: [code.code for code in t.codes] for t in CATALOG if not t.extensible}
    wrong = []
    for field, (definition, string) in _response_string_fields(document).items():
        named = DICTIONARY_NAMED.search(definition.get("description", ""))
        if named and named.group(1) in fixed and string.get("enum") != fixed[named.group(1)]:
            wrong.append((field, named.group(1)))
    assert sorted(wrong) == []


def test_open_strings_on_the_allow_list_name_their_dictionary(document: dict[str, Any]) -> None:
    fields = _response_string_fields(document)
    assert set(OPEN_STRINGS) <= set(fields)
    for field, reason in OPEN_STRINGS.items():
        named = DICTIONARY_NAMED.search(reason)
        if named:
            assert f"dictionary `{named.group(1)}`" in fields[field][0]["description"]


def test_document_media_types_are_what_sniffing_recognises(document: dict[str, Any]) -> None:
    from app.households.documents import sniffing

    declared = document["components"]["schemas"]["DocumentOut"]["properties"]["media_type"]
    assert set(declared["enum"]) == set(sniffing.EXTENSIONS)


MONEY_FIELDS = ("IncomeIn.amount", "AssetIn.value", "MeasureIn.amount")
"""A sample of money fields: the finances' `Amount` and the plain `Yuan`."""
MONEY_LIKE = st.one_of(
    st.from_regex(r"\A[-+ ]?[0-9]{0,19}(\.[0-9]{0,3})?[ \n]?\Z"),
    st.text(alphabet="0123456789.-+eE_ \n\t٣", max_size=24),
    st.text(max_size=8),
)


def _ecma_pattern(pattern: str) -> re.Pattern[str]:
    """The declared pattern as a JSON Schema validator reads it: ECMA-262's `$` (without the
    m flag) matches only at the very end, which is Python's `\\Z`."""
    assert pattern.endswith("$")
    return re.compile(pattern[:-1] + r"\Z")


def _money_field(document: dict[str, Any], field: str) -> tuple[dict[str, Any], Any]:
    from pydantic import TypeAdapter

    from app.finances.schemas import AssetIn, IncomeIn
    from app.households.stewardship.measure_schemas import MeasureIn

    name, prop = field.split(".")
    declared = document["components"]["schemas"][name]["properties"][prop]
    declared = next(b for b in declared.get("anyOf", [declared]) if b.get("type") == "string")
    model = {"IncomeIn": IncomeIn, "AssetIn": AssetIn, "MeasureIn": MeasureIn}[name]
    return declared, TypeAdapter(model.model_fields[prop].rebuild_annotation())


def _accepts(adapter: Any, raw_json: str) -> bool:
    from pydantic import ValidationError

    try:
        adapter.validate_json(raw_json)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("field", MONEY_FIELDS)
def test_money_is_accepted_exactly_when_the_declared_pattern_matches(
    document: dict[str, Any], field: str
) -> None:
    declared, adapter = _money_field(document, field)
    pattern = _ecma_pattern(declared["pattern"])

    @settings(max_examples=400, deadline=None)
    @given(text=MONEY_LIKE)
    def check(text: str) -> None:
        assert _accepts(adapter, json.dumps(text)) == bool(pattern.search(text)), text

    check()


@pytest.mark.parametrize("field", MONEY_FIELDS)
def test_money_as_a_json_number_is_refused_and_not_declared(
    document: dict[str, Any], field: str
) -> None:
    declared, adapter = _money_field(document, field)
    assert declared["type"] == "string"
    assert not any(_accepts(adapter, number) for number in ("546", "546.0", "0", "1e3"))


@pytest.mark.parametrize(
    ("field", "text"),
    [("IncomeIn.month", "2026-11\n"), ("AssetIn.ownership_share", "50.00\n")],
)
def test_a_trailing_newline_the_declared_pattern_refuses_is_refused(
    document: dict[str, Any], field: str, text: str
) -> None:
    from pydantic import TypeAdapter

    from app.finances.schemas import AssetIn, IncomeIn

    name, prop = field.split(".")
    declared = document["components"]["schemas"][name]["properties"][prop]
    model = {"IncomeIn": IncomeIn, "AssetIn": AssetIn}[name]
    adapter = TypeAdapter(model.model_fields[prop].rebuild_annotation())
    assert not _ecma_pattern(declared["pattern"]).search(text)
    assert not _accepts(adapter, json.dumps(text))


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
    for _, _, operation in operations(document):
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
    for _, _, operation in operations(document):
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
                for name, declared_member in members["properties"].items():
                    # FastAPI leaves out a default of None, which a member that may be absent has.
                    assert declared[0]["properties"][name] == _without_default(declared_member), (
                        where
                    )
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


TRACKED_HEADERS = ("ETag", "Location", "X-Household-ETag", "X-Household-Version")
"""The response headers a client chains writes with; each is declared where it is sent."""


def _operation_of(document: dict[str, Any], request: httpx.Request) -> dict[str, Any]:
    """The operation a request reached: of the templates its path matches, the most literal."""
    matches = [
        (path.count("{"), item[request.method.lower()])
        for path, item in document["paths"].items()
        if request.method.lower() in item
        and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", path), request.url.path)
    ]
    assert matches, (request.method, request.url.path)
    return min(matches, key=lambda match: match[0])[1]


class HeaderCheck:
    """Compares the tracked headers of every response with those its operation declares."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.seen: set[tuple[str, int]] = set()
        self.wrong: list[tuple[str, str, set[str], set[str]]] = []

    async def __call__(self, response: httpx.Response) -> None:
        operation = _operation_of(self.document, response.request)
        status = str(response.status_code)
        assert status in operation["responses"], (operation["operationId"], status)
        declared = operation["responses"][status].get("headers", {})
        sent = {name for name in TRACKED_HEADERS if name in response.headers}
        expected = {name for name in TRACKED_HEADERS if name in declared}
        if sent != expected:
            self.wrong.append((operation["operationId"], status, sent, expected))
        self.seen.add((operation["operationId"], response.status_code))


async def test_the_headers_sent_are_the_headers_declared(
    app: FastAPI, document: dict[str, Any], session: AsyncSession
) -> None:
    """A tour of reads and writes of every kind, each response checked as it arrives."""
    await create_demo_district(session)
    check = HeaderCheck(document)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks={"response": [check]}
    ) as http:
        officer = await bearer(http, "street_officer")
        admin = await bearer(http, "admin")
        created = await http.post(HOUSEHOLDS, json=household_body(), headers=officer)
        url = created.headers["location"]
        read = await http.get(url, headers=officer)
        await http.patch(
            url,
            json={"basic_situation": "独居老人"},
            headers={**officer, "If-Match": read.headers["etag"]},
        )
        added = await http.post(f"{url}/members", json=member(), headers=officer)
        await http.patch(
            added.headers["location"],
            json={"phone": "13800138000"},
            headers={**officer, "If-Match": added.headers["etag"]},
        )
        await http.get(f"{url}/plan", headers=officer)
        plan = await http.put(f"{url}/plan", json={"goals": "稳定基本生活"}, headers=officer)
        await http.get(f"{url}/plan", headers=officer)
        await http.put(
            f"{url}/plan",
            json={"goals": "落实医疗救助"},
            headers={**officer, "If-Match": plan.headers["etag"]},
        )
        current = await http.get(url, headers=officer)
        asset = VEHICLE
        await http.put(
            f"{url}/assets",
            json={"items": [asset]},
            headers={**officer, "If-Match": current.headers["etag"]},
        )
        await http.get(f"{url}/assets", headers=officer)
        agency = str(await organization_id(app, AGENCY))
        await http.post(f"{url}/assignments", json={"agency_id": agency}, headers=officer)
        await http.delete(
            f"{url}/members/{added.json()['person_id']}",
            params={"reason": "moved_out"},
            headers=officer,
        )
        region = await http.get("/api/v1/regions/500112001", headers=admin)
        await http.patch(
            "/api/v1/regions/500112001",
            json={"name": "双凤桥街道"},
            headers={**admin, "If-Match": region.headers["etag"]},
        )
        await http.get("/api/v1/users/me", headers=admin)
        await http.get("/api/v1/dictionaries")
    assert check.wrong == []
    assert check.seen >= {
        ("households_create", 201),
        ("households_update", 200),
        ("household_members_remove", 204),
        ("household_plan_get", 404),
        ("household_plan_revise", 201),
        ("household_plan_revise", 200),
        ("regions_update", 200),
        ("dictionaries_list", 200),
    }


def test_every_creation_declares_its_location(document: dict[str, Any]) -> None:
    """API.md: creation returns 201 with a Location header."""
    created = [op for _, _, op in operations(document) if "201" in op["responses"]]
    assert len(created) > 10
    assert [
        op["operationId"]
        for op in created
        if "Location" not in op["responses"]["201"].get("headers", {})
    ] == []


def test_schema_names_are_their_class_names(document: dict[str, Any]) -> None:
    """Two classes of one name (every domain's `Status`, say) make FastAPI fall back to
    module paths (`app__intake__visits__states__Status`), names a client cannot read."""
    qualified = [name for name in document["components"]["schemas"] if "__" in name]
    assert qualified == []
