"""The contract tells the truth, so that a client generated from it is exact (issue 13, 11)."""

import json
import re
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st

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
    pending = set().union(*(_referenced(op["responses"]) for _, _, op in _operations(document)))
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
