"""Simulations through the API, and the worker run as it runs them (DOMAIN 5)."""

from typing import Any

import httpx
from fastapi import FastAPI

from app.domains import build_worker
from tests.api.households.ledger_http import bearer

SIMULATIONS = "/api/v1/eligibility/simulations"
OFFICER = "district_officer"


async def start(
    http: httpx.AsyncClient, policy_id: str, username: str = OFFICER, **fields: Any
) -> httpx.Response:
    """`POST /eligibility/simulations` for the version, with any other body fields."""
    return await http.post(
        SIMULATIONS,
        json={"policy_version_id": policy_id, **fields},
        headers=await bearer(http, username),
    )


async def started(
    http: httpx.AsyncClient, policy_id: str, username: str = OFFICER, **fields: Any
) -> dict[str, Any]:
    response = await start(http, policy_id, username, **fields)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"{SIMULATIONS}/{response.json()['id']}"
    body: dict[str, Any] = response.json()
    return body


async def run_jobs(app: FastAPI) -> int:
    """Run due jobs with the app's own worker until none is left; returns how many ran."""
    worker = build_worker(app.state.services)
    ran = 0
    while count := await worker.run_once():
        ran += count
    return ran


async def read(
    http: httpx.AsyncClient, simulation_id: str, path: str = "", username: str = OFFICER
) -> httpx.Response:
    return await http.get(
        f"{SIMULATIONS}/{simulation_id}{path}", headers=await bearer(http, username)
    )


async def simulated(
    app: FastAPI, http: httpx.AsyncClient, policy_id: str, **fields: Any
) -> dict[str, Any]:
    """Create a simulation, run the worker, and return the simulation at the end."""
    created = await started(http, policy_id, **fields)
    await run_jobs(app)
    response = await read(http, created["id"])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def all_changes(http: httpx.AsyncClient, simulation_id: str) -> list[dict[str, Any]]:
    """Every page of the simulation's changed households."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        response = await http.get(
            f"{SIMULATIONS}/{simulation_id}/changes",
            params=params,
            headers=await bearer(http, OFFICER),
        )
        assert response.status_code == 200, response.text
        found += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return found
