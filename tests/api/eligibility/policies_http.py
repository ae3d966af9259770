"""Policy versions through the API, signed in as real demo users (DOMAIN 5)."""

from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI

from app.eligibility.policies.service import in_force
from tests.api.households.ledger_http import bearer

POLICIES = "/api/v1/policies"
DISTRICT = "500112"
OFFICER = "district_officer"

WEIGHTS = {
    "income_gap": 30,
    "expenditure_ratio": 20,
    "dependants": 10,
    "elderly": 10,
    "children": 10,
    "disability": 10,
    "major_illness": 10,
}


def policy_body(**fields: Any) -> dict[str, Any]:
    """A PolicyIn body for the district, from 2026-01-01, open-ended, L = 720."""
    return {
        "region_code": DISTRICT,
        "name": "测试政策",
        "effective_from": "2026-01-01",
        "dibao_standard": "720.00",
        "weights": WEIGHTS,
        **fields,
    }


async def create_policy(
    http: httpx.AsyncClient, username: str = OFFICER, **fields: Any
) -> dict[str, Any]:
    response = await http.post(
        POLICIES, json=policy_body(**fields), headers=await bearer(http, username)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def step(
    http: httpx.AsyncClient, policy: dict[str, Any], action: str, username: str = OFFICER
) -> httpx.Response:
    """`POST /policies/{id}/<action>` with the version's current If-Match."""
    headers = {**await bearer(http, username), "If-Match": f'W/"{policy["version"]}"'}
    return await http.post(f"{POLICIES}/{policy['id']}/{action}", headers=headers)


async def published(
    http: httpx.AsyncClient, username: str = OFFICER, **fields: Any
) -> dict[str, Any]:
    """A version created and published."""
    response = await step(http, await create_policy(http, username, **fields), "publish", username)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def in_force_id(app: FastAPI, region: str, day: date) -> str | None:
    """The id of the version `in_force` finds for the region on the day."""
    async with app.state.services.database.sessionmaker() as session:
        found = await in_force(session, region, day)
    return None if found is None else str(found.id)
