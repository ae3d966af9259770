"""The contract states every rule the server enforces, from the one place that enforces it
(issue 17): the statuses of the request pipeline, strict dates and months, and bounds."""

from typing import Any

import httpx

from tests.core.contract_support import operations
from tests.problems import assert_problem

PROBLEM = "application/problem+json"


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
