"""An operation taking an Idempotency-Key declares the problems the key answers (the fuzz gate
found 422 `idempotency_key_reused` sent where only `validation_failed` was declared)."""

from typing import Any

import httpx

from app.core.errors import PROBLEM_MEDIA_TYPE
from app.core.idempotency import IDEMPOTENCY_HEADER
from tests.api.households.ledger_http import bearer
from tests.core.contract_support import operations
from tests.problems import assert_problem


def _key_parameter(operation: dict[str, Any]) -> dict[str, Any] | None:
    return next(
        (p for p in operation.get("parameters", []) if p["name"] == IDEMPOTENCY_HEADER), None
    )


def _declared_codes(operation: dict[str, Any], status: int) -> set[str]:
    response = operation["responses"].get(str(status), {})
    return set(response.get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("examples", {}))


def test_every_operation_taking_the_key_declares_what_the_key_answers(
    document: dict[str, Any],
) -> None:
    taking = [
        (method, path, operation, parameter)
        for path, method, operation in operations(document)
        if (parameter := _key_parameter(operation)) is not None
    ]
    assert taking
    for method, path, operation, parameter in taking:
        where = f"{method.upper()} {path}"
        assert "idempotency_key_reused" in _declared_codes(operation, 422), where
        assert "idempotency_in_progress" in _declared_codes(operation, 409), where
        required = "idempotency_key_required" in _declared_codes(operation, 400)
        assert required == parameter["required"], where


async def test_a_reused_key_answers_a_problem_its_operation_declares(
    pipeline_client: httpx.AsyncClient, document: dict[str, Any]
) -> None:
    admin = await bearer(pipeline_client, "admin")
    key = {IDEMPOTENCY_HEADER: "fuzz-found-reuse", **admin}
    first = await pipeline_client.post(
        "/api/v1/regions", json={"code": "500112001001009", "name": "第九网格"}, headers=key
    )
    assert first.status_code == 201, first.text
    reused = await pipeline_client.post(
        "/api/v1/regions", json={"code": "500112001001008", "name": "第八网格"}, headers=key
    )
    assert_problem(reused, 422, "idempotency_key_reused")
    regions_create = document["paths"]["/api/v1/regions"]["post"]
    assert reused.json()["code"] in _declared_codes(regions_create, 422)
