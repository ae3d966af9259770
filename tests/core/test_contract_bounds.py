"""The contract states every rule the server enforces, from the one place that enforces it
(issue 17): the statuses of the request pipeline, strict dates and months, and bounds."""

import re
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.dates import (
    DATE_PATTERN,
    FIRST_YEAR,
    LAST_YEAR,
    MONTH_PATTERN,
    TIMESTAMP_PATTERN,
)
from app.core.id_numbers import ID_NUMBER_PATTERN
from tests.conftest import sign_in
from tests.core.contract_support import operations
from tests.factories import create_demo_district
from tests.problems import assert_invalid, assert_problem

PROBLEM = "application/problem+json"


@pytest.fixture
async def admin(anonymous: httpx.AsyncClient, session: AsyncSession) -> dict[str, str]:
    await create_demo_district(session)
    return {"Authorization": f"Bearer {await sign_in(anonymous, 'admin')}"}


def _declared_codes(operation: dict[str, Any]) -> set[tuple[str, str]]:
    """(status, code) of every problem example an operation declares."""
    return {
        (status, code)
        for status, response in operation["responses"].items()
        for code in response.get("content", {}).get(PROBLEM, {}).get("examples", {})
    }


def _pipeline_codes(operation: dict[str, Any]) -> set[tuple[str, str]]:
    """What the request pipeline (AppRoute) can answer on an operation of this kind."""
    expected = {("503", "database_unavailable"), ("500", "internal_error")}
    if "security" in operation:
        expected |= {("401", "unauthorized"), ("403", "forbidden")}
    body = operation.get("requestBody", {}).get("content", {})
    if body:
        expected |= {("400", "malformed_body"), ("413", "payload_too_large")}
    if "application/json" in body:
        expected.add(("415", "unsupported_media_type"))
    return expected


class TestPipelineProblems:
    def test_every_operation_declares_what_its_kind_can_answer(
        self, document: dict[str, Any]
    ) -> None:
        missing = {
            f"{method.upper()} {path}": sorted(_pipeline_codes(op) - _declared_codes(op))
            for path, method, op in operations(document)
            if path.startswith("/api/v1/")
        }
        assert {op: codes for op, codes in missing.items() if codes} == {}

    def test_a_user_update_declares_401(self, document: dict[str, Any]) -> None:
        responses = document["paths"]["/api/v1/users/{user_id}"]["patch"]["responses"]
        assert (
            responses["401"]["content"][PROBLEM]["examples"]["unauthorized"]["value"]["status"]
            == 401
        )

    def test_a_shared_status_lists_every_code(self, document: dict[str, Any]) -> None:
        """The refresh endpoint's own 400 and the pipeline's malformed body share the status."""
        response = document["paths"]["/api/v1/auth/refresh"]["post"]["responses"]["400"]
        assert set(response["content"][PROBLEM]["examples"]) == {"invalid_grant", "malformed_body"}
        assert response["description"] == "Invalid grant / Malformed request body"
        refs = {
            s["$ref"].rsplit("/", 1)[1] for s in response["content"][PROBLEM]["schema"]["anyOf"]
        }
        assert refs == {"ProblemInvalidGrant", "Problem"}

    async def test_a_user_update_without_a_token_answers_the_declared_401(
        self, anonymous: httpx.AsyncClient, document: dict[str, Any]
    ) -> None:
        response = await anonymous.patch(
            "/api/v1/users/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11", json={"display_name": "x"}
        )

        assert_problem(response, 401, "unauthorized")
        assert "401" in document["paths"]["/api/v1/users/{user_id}"]["patch"]["responses"]


def _walk(document: dict[str, Any], node: Any, where: str, seen: frozenset[str]) -> Any:
    """(where, schema) of every string schema with a `format`, through references."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(document, item, where, seen)
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            schema = document["components"]["schemas"][name]
            yield from _walk(document, schema, name, seen | {name})
        return
    if "format" in node:
        yield where, node
    for key, value in node.items():
        if key not in ("examples", "example"):
            inner = (
                f"{where}.{key}" if where and key not in ("properties", "anyOf", "items") else where
            )
            yield from _walk(document, value, inner or key, seen)


def _request_formats(document: dict[str, Any], fmt: str) -> dict[str, dict[str, Any]]:
    """Every request parameter and body field of a format, by where it is."""
    found: dict[str, dict[str, Any]] = {}
    for path, method, operation in operations(document):
        for parameter in operation.get("parameters", []):
            where = f"{method.upper()} {path} {parameter['in']}:{parameter['name']}"
            found |= dict(_walk(document, parameter["schema"], where, frozenset()))
        found |= dict(_walk(document, operation.get("requestBody", {}), "", frozenset()))
    return {where: schema for where, schema in found.items() if schema["format"] == fmt}


class TestStrictDates:
    def test_every_request_date_states_its_form_and_bounds(self, document: dict[str, Any]) -> None:
        dates = _request_formats(document, "date")
        assert len(dates) >= 20
        loose = [
            where
            for where, schema in dates.items()
            if schema.get("pattern") != DATE_PATTERN
            or not {"formatMinimum", "formatMaximum"} <= set(schema)
        ]
        assert loose == []

    def test_every_request_timestamp_states_its_form(self, document: dict[str, Any]) -> None:
        timestamps = _request_formats(document, "date-time")
        assert len(timestamps) >= 4
        assert [w for w, s in timestamps.items() if s.get("pattern") != TIMESTAMP_PATTERN] == []

    @pytest.mark.parametrize("year", [999, 1000, 1899, 1900, 2026, 2999, 3000])
    def test_the_patterns_take_exactly_the_stated_years(self, year: int) -> None:
        inside = FIRST_YEAR <= year <= LAST_YEAR
        assert bool(re.fullmatch(DATE_PATTERN, f"{year:04d}-01-31")) is inside
        assert bool(re.fullmatch(MONTH_PATTERN, f"{year:04d}-12")) is inside
        stamp = f"{year:04d}-01-31T08:00:00+08:00"
        assert bool(re.fullmatch(TIMESTAMP_PATTERN, stamp)) is inside

    @pytest.mark.parametrize("day", ["0", "1798761600", "2027-01-04T00:00:00", "2027-02-30"])
    async def test_a_path_date_is_only_yyyy_mm_dd(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], day: str
    ) -> None:
        response = await anonymous.put(
            f"/api/v1/calendar/days/{day}", json={"is_working_day": False}, headers=admin
        )

        assert_invalid(response, ["path", "day"], "not_a_date")

    @pytest.mark.parametrize("value", [1798761600, 0, "1798761600", "2027-01-01T00:00:00Z"])
    async def test_a_body_date_is_only_yyyy_mm_dd(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], value: object
    ) -> None:
        year = {
            "year": 2027,
            "source": "国办发明电〔2026〕1号",
            "holidays": [{"date": value, "name": "元旦"}],
            "working_days": [],
        }

        response = await anonymous.put("/api/v1/calendar/years/2027", json=year, headers=admin)

        assert_invalid(response, ["body", "holidays", 0, "date"], "not_a_date")

    @pytest.mark.parametrize(
        ("start", "status"),
        [("1949-09-30", 422), ("1949-10-01", 200), ("2100-12-31", 200), ("2101-01-01", 422)],
    )
    async def test_a_query_date_takes_exactly_its_stated_bounds(
        self, client: httpx.AsyncClient, document: dict[str, Any], start: str, status: int
    ) -> None:
        parameter = document["paths"]["/api/v1/calendar/add-working-days"]["get"]["parameters"][0]
        assert (parameter["schema"]["formatMinimum"], parameter["schema"]["formatMaximum"]) == (
            "1949-10-01",
            "2100-12-31",
        )

        response = await client.get(
            "/api/v1/calendar/add-working-days", params={"start": start, "days": 0}
        )

        if status == 200:
            assert response.status_code == 200, response.text
            assert response.json()["date"] == start
        else:
            body = assert_invalid(response, ["query", "start"])
            assert body["errors"][0]["code"] in {"too_small", "too_large"}

    @pytest.mark.parametrize("since", ["1798761600", "2027-01-01T08:00:00", "2027-01-01"])
    async def test_a_timestamp_needs_its_offset(
        self, client: httpx.AsyncClient, since: str
    ) -> None:
        response = await client.get("/api/v1/audit-events", params={"since": since})

        assert_invalid(response, ["query", "since"], "not_a_datetime")


CODES = "/api/v1/dictionaries/{table}/codes"


def _parameter(document: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    found = [p for p in document["paths"][path]["post"]["parameters"] if p["name"] == name]
    return dict(found[0]["schema"])


class TestDictionaryTables:
    def test_the_contract_lists_the_tables_that_take_additions(
        self, document: dict[str, Any]
    ) -> None:
        from app.dictionaries.catalog import CATALOG

        extensible = [t.name for t in CATALOG if t.extensible]
        assert _parameter(document, CODES, "table")["enum"] == extensible

    @pytest.mark.parametrize(
        ("table", "status"), [("hardship_cause", 201), ("target_type", 422), ("colours", 422)]
    )
    async def test_the_server_takes_exactly_those(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], table: str, status: int
    ) -> None:
        body = {"code": "flood_damage", "label_zh": "洪涝受灾", "label_en": "Flood damage"}

        response = await anonymous.post(
            f"/api/v1/dictionaries/{table}/codes", json=body, headers=admin
        )

        if status == 201:
            assert response.status_code == 201, response.text
            assert response.json()["code"] == "flood_damage"
        else:
            assert_invalid(response, ["path", "table"], "unknown_code")


class TestIdempotencyKey:
    def test_the_contract_states_its_length(self, document: dict[str, Any]) -> None:
        schema = _parameter(document, CODES, "Idempotency-Key")
        assert (schema["minLength"], schema["maxLength"]) == (1, 255)

    @pytest.mark.parametrize(
        ("key", "code"), [("", "missing"), ("k", None), ("k" * 255, None), ("k" * 256, "too_long")]
    )
    async def test_the_server_takes_exactly_that_length(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], key: str, code: str | None
    ) -> None:
        body = {"code": "flood_damage", "label_zh": "洪涝受灾", "label_en": "Flood damage"}

        response = await anonymous.post(
            "/api/v1/dictionaries/hardship_cause/codes",
            json=body,
            headers={**admin, "Idempotency-Key": key},
        )

        if code is None:
            assert response.status_code == 201, response.text
            assert response.json()["code"] == "flood_damage"
        else:
            assert_invalid(response, ["header", "Idempotency-Key"], code)


def _takes_number(document: dict[str, Any], node: Any, seen: frozenset[str]) -> bool:
    """Whether a piece of a request schema, through its references, takes a JSON number."""
    if isinstance(node, list):
        return any(_takes_number(document, item, seen) for item in node)
    if not isinstance(node, dict):
        return False
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
        return name not in seen and _takes_number(document, schema, seen | {name})
    return node.get("type") == "number" or any(
        _takes_number(document, value, seen) for key, value in node.items() if key != "examples"
    )


class TestStrictMoney:
    def test_no_request_takes_a_json_number(self, document: dict[str, Any]) -> None:
        """Money and other decimals are strings (core.money.DecimalString): a float has
        already lost exactness."""
        numeric = [
            f"{method.upper()} {path}"
            for path, method, op in operations(document)
            if _takes_number(document, [op.get("requestBody"), op.get("parameters")], frozenset())
        ]
        assert numeric == []
        assert _takes_number(document, {"anyOf": [{"type": "number"}]}, frozenset())


def _request_properties(document: dict[str, Any], name: str) -> dict[str, dict[str, Any]]:
    """Every property `name` of a schema some request body refers to."""
    bodies = [op["requestBody"] for _, _, op in operations(document) if "requestBody" in op]
    pending = {ref.rsplit("/", 1)[1] for ref in _refs(bodies)}
    seen: set[str] = set()
    while pending:
        schema = pending.pop()
        seen.add(schema)
        pending |= {r.rsplit("/", 1)[1] for r in _refs(document["components"]["schemas"][schema])}
        pending -= seen
    schemas = document["components"]["schemas"]
    return {
        s: schemas[s]["properties"][name] for s in seen if name in schemas[s].get("properties", {})
    }


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        return ({node["$ref"]} if "$ref" in node else set()).union(*map(_refs, node.values()))
    if isinstance(node, list):
        return set().union(*map(_refs, node))
    return set()


class TestIdNumbers:
    def test_every_request_id_number_states_18_characters_of_its_pattern(
        self, document: dict[str, Any]
    ) -> None:
        fields = _request_properties(document, "id_number")
        assert {"MemberIn", "PersonSearchIn", "TransferRequestIn", "DiscoveryReportIn"} <= set(
            fields
        )
        # An optional number (a discovery report's) is `anyOf` the number and null.
        values = [
            next(b for b in f.get("anyOf", [f]) if b.get("type") != "null") for f in fields.values()
        ]
        stated = {(f["minLength"], f["maxLength"], f["pattern"]) for f in values}
        assert stated == {(18, 18, ID_NUMBER_PATTERN)}

    @pytest.mark.parametrize(
        ("number", "code"),
        [
            ("50011219520315002", "id_number_length"),
            ("5001121952031500280", "id_number_length"),
            (" 50011219520315002", "id_number_format"),
            ("50011219520315002a", "id_number_format"),
            ("500112195203150028", None),
        ],
    )
    async def test_the_server_takes_exactly_that(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], number: str, code: str | None
    ) -> None:
        officer = {"Authorization": f"Bearer {await sign_in(anonymous, 'street_officer')}"}

        response = await anonymous.post(
            "/api/v1/persons/search", json={"id_number": number}, headers=officer
        )

        if code is None:
            assert response.status_code == 200, response.text
            assert response.json()["items"] == []
        else:
            assert_invalid(response, ["body", "id_number"], code)
