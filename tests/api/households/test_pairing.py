"""The paired worker (对口帮扶, Yubei 3(3)3(1)): the household joins that worker's scope."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.api.households.ledger_http import (
    bearer,
    grid_worker_of_street_b,
    history,
    household,
    user_id,
)
from tests.factories import create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

OTHER_COMMUNITY_GRID = "500112001002001"
"""Street A, outside the demo community worker's community and the grid worker's grid."""


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


async def _pair(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    hid: Any,
    worker: uuid.UUID | None,
    version: int | None,
) -> httpx.Response:
    extra = {} if version is None else {"If-Match": f'W/"{version}"'}
    return await http.put(
        f"/api/v1/households/{hid}/paired-worker",
        json={"worker_id": str(worker) if worker else None},
        headers={**headers, **extra},
    )


async def _listed(http: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    response = await http.get("/api/v1/households", headers=headers)
    assert response.status_code == 200, response.text
    return {h["id"] for h in response.json()["items"]}


async def test_a_paired_grid_worker_sees_the_household_outside_its_grid(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app, region=OTHER_COMMUNITY_GRID)
    own = await create_household(app)
    worker = await bearer(anonymous, "grid_worker")
    url = f"/api/v1/households/{home.id}"
    assert_problem(await anonymous.get(url, headers=worker), 404, "not_found")
    assert await _listed(anonymous, worker) == {str(own.id)}
    worker_id = await user_id(app, "grid_worker")

    paired = await _pair(anonymous, officer, home.id, worker_id, home.version)
    assert paired.status_code == 200, paired.text
    assert paired.json()["paired_worker"] == {
        "type": "user",
        "id": str(worker_id),
        "display_name": paired.json()["paired_worker"]["display_name"],
    }
    assert paired.json()["paired_worker"]["display_name"], "the worker is named"
    assert paired.headers["etag"] == f'W/"{home.version + 1}"'
    seen = await anonymous.get(url, headers=worker)
    assert seen.status_code == 200, seen.text
    assert seen.json()["members"][0]["name"] == "张**"
    assert await _listed(anonymous, worker) == {str(own.id), str(home.id)}
    entry = (await history(anonymous, officer, home.id))[-1]
    assert (entry["action"], entry["changes"]) == (
        "household.pair",
        {"paired_worker_id": {"before": None, "after": str(worker_id)}},
    )

    unpaired = await _pair(anonymous, officer, home.id, None, home.version + 1)
    assert unpaired.status_code == 200, unpaired.text
    assert unpaired.json()["paired_worker"] is None
    assert_problem(await anonymous.get(url, headers=worker), 404, "not_found")
    assert await _listed(anonymous, worker) == {str(own.id)}


async def test_pairing_needs_the_current_version(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app, region=OTHER_COMMUNITY_GRID)
    worker_id = await user_id(app, "grid_worker")
    missing = await _pair(anonymous, officer, home.id, worker_id, None)
    assert_problem(missing, 428, "if_match_required")
    stale = await _pair(anonymous, officer, home.id, worker_id, home.version + 1)
    assert_problem(stale, 412, "version_mismatch")
    assert (await household(anonymous, officer, home.id))["paired_worker"] is None


@pytest.mark.parametrize("worker", ["grid_worker_b", "street_officer", "social_worker", "unknown"])
async def test_only_a_community_or_grid_worker_of_the_street_may_be_paired(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], worker: str
) -> None:
    home = await create_household(app, region=OTHER_COMMUNITY_GRID)
    if worker == "grid_worker_b":
        worker_id = await grid_worker_of_street_b(app)
    elif worker == "unknown":
        worker_id = uuid.uuid4()
    else:
        worker_id = await user_id(app, worker)
    response = await _pair(anonymous, officer, home.id, worker_id, home.version)
    assert_invalid(response, ["body", "worker_id"], "not_a_street_worker")
    assert (await household(anonymous, officer, home.id))["paired_worker"] is None


async def test_a_community_worker_pairs_within_its_community_and_grid_workers_may_not(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    home = await create_household(app, region="500112001001002")
    worker_id = await user_id(app, "grid_worker")
    refused = await _pair(
        anonymous, await bearer(anonymous, "grid_worker"), home.id, worker_id, home.version
    )
    assert_problem(refused, 403, "forbidden")
    community = await bearer(anonymous, "community_worker")
    response = await _pair(anonymous, community, home.id, worker_id, home.version)
    assert response.status_code == 200, response.text
    assert response.json()["paired_worker"]["id"] == str(worker_id)
    outside = await create_household(app, region=OTHER_COMMUNITY_GRID)
    assert_problem(
        await _pair(anonymous, community, outside.id, worker_id, outside.version), 404, "not_found"
    )
