"""Street officers assign a household to a social-work agency and worker (Beijing 4, 7).

The assignment is what scopes a social worker: the worker sees the household
while it is assigned (and only with a valid agreement it has acknowledged).
"""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.households.models import HouseholdAssignment
from tests.api.households.ledger_http import (
    AGENCY,
    bearer,
    fetch,
    history,
    open_to_social_worker,
    organization_id,
    user_id,
)
from tests.factories import create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

OTHER_AGENCY = "渝北区暖阳社会工作服务社"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


async def _body(
    app: FastAPI, agency: str = AGENCY, worker: str | None = "social_worker"
) -> dict[str, Any]:
    return {
        "agency_id": str(await organization_id(app, agency)),
        "social_worker_id": str(await user_id(app, worker)) if worker else None,
    }


def _url(hid: Any) -> str:
    return f"/api/v1/households/{hid}/assignments"


async def _active(app: FastAPI, hid: Any) -> list[uuid.UUID]:
    rows = await fetch(
        app,
        select(HouseholdAssignment.id).where(
            HouseholdAssignment.household_id == hid, HouseholdAssignment.active.is_(True)
        ),
    )
    return [row[0] for row in rows]


@pytest.mark.parametrize(
    "username", ["community_worker", "grid_worker", "district_officer", "social_worker"]
)
async def test_only_street_officers_assign(
    app: FastAPI, anonymous: httpx.AsyncClient, username: str
) -> None:
    home = await create_household(app)
    response = await anonymous.post(
        _url(home.id), json=await _body(app), headers=await bearer(anonymous, username)
    )
    assert_problem(response, 403, "forbidden")
    assert await _active(app, home.id) == []


async def test_an_assignment_is_created_recorded_and_audited(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    body = await _body(app)
    response = await anonymous.post(_url(home.id), json=body, headers=officer)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"{_url(home.id)}/{created['id']}"
    assert created["agency_id"] == body["agency_id"]
    assert created["household_id"] == str(home.id)
    assert created["assigned_by"] == {
        "type": "user",
        "id": str(await user_id(app, "street_officer")),
        "display_name": "双龙湖街道干部",
    }
    assert created["social_worker"] == {
        "type": "user",
        "id": body["social_worker_id"],
        "display_name": "同心社工",
    }
    assert (created["active"], created["ended_at"]) == (True, None)
    entry = (await history(anonymous, officer, home.id))[-1]
    assert (entry["action"], entry["changes"]) == (
        "household.assign",
        {
            "agency_id": {"before": None, "after": body["agency_id"]},
            "social_worker_id": {"before": None, "after": body["social_worker_id"]},
        },
    )
    events = await fetch(
        app,
        select(AuditEvent.object_id, AuditEvent.region_code).where(
            AuditEvent.action == "household.assign"
        ),
    )
    assert events == [(created["id"], home.region_code)]


async def test_an_agency_without_a_worker_may_be_assigned(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    response = await anonymous.post(
        _url(home.id), json=await _body(app, worker=None), headers=officer
    )
    assert response.status_code == 201, response.text
    assert response.json()["social_worker"] is None


@pytest.mark.parametrize("agency", ["渝北区红十字会", "双龙湖街道办事处", None])
async def test_the_agency_must_be_a_social_work_agency(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], agency: str | None
) -> None:
    home = await create_household(app)
    agency_id = str(await organization_id(app, agency)) if agency else str(uuid.uuid4())
    response = await anonymous.post(
        _url(home.id), json={"agency_id": agency_id, "social_worker_id": None}, headers=officer
    )
    assert_invalid(response, ["body", "agency_id"], "not_an_agency")
    assert await _active(app, home.id) == []


@pytest.mark.parametrize("worker", ["social_worker_2", "street_officer", "unknown"])
async def test_the_worker_must_belong_to_the_agency(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], worker: str
) -> None:
    home = await create_household(app)
    body = await _body(app, worker=None)
    body["social_worker_id"] = (
        str(uuid.uuid4()) if worker == "unknown" else str(await user_id(app, worker))
    )
    response = await anonymous.post(_url(home.id), json=body, headers=officer)
    assert_invalid(response, ["body", "social_worker_id"], "not_an_agency_worker")
    assert await _active(app, home.id) == []


async def test_a_household_out_of_scope_is_not_found(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    home = await create_household(app)
    response = await anonymous.post(
        _url(home.id), json=await _body(app), headers=await bearer(anonymous, "street_officer_2")
    )
    assert_problem(response, 404, "not_found")


async def test_a_new_assignment_ends_the_previous_one(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    first = (await anonymous.post(_url(home.id), json=await _body(app), headers=officer)).json()
    second_body = await _body(app, OTHER_AGENCY, "social_worker_2")
    second = await anonymous.post(_url(home.id), json=second_body, headers=officer)
    assert second.status_code == 201, second.text
    listed = await anonymous.get(_url(home.id), headers=officer)
    assert listed.status_code == 200
    rows = listed.json()["items"]
    assert [(a["id"], a["active"]) for a in rows] == [
        (second.json()["id"], True),
        (first["id"], False),
    ]
    assert rows[1]["ended_at"] is not None
    assert await _active(app, home.id) == [uuid.UUID(second.json()["id"])]
    entry = (await history(anonymous, officer, home.id))[-1]
    assert entry["changes"]["agency_id"] == {
        "before": first["agency_id"],
        "after": second_body["agency_id"],
    }


async def test_deleting_ends_the_current_assignment_only(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    first = (await anonymous.post(_url(home.id), json=await _body(app), headers=officer)).json()
    second = (await anonymous.post(_url(home.id), json=await _body(app), headers=officer)).json()
    stale = await anonymous.delete(f"{_url(home.id)}/{first['id']}", headers=officer)
    assert_problem(stale, 404, "not_found")
    ended = await anonymous.delete(f"{_url(home.id)}/{second['id']}", headers=officer)
    assert ended.status_code == 204
    assert await _active(app, home.id) == []
    assert [
        a["active"] for a in (await anonymous.get(_url(home.id), headers=officer)).json()["items"]
    ] == [
        False,
        False,
    ]
    entry = (await history(anonymous, officer, home.id))[-1]
    assert (entry["action"], entry["changes"]) == (
        "household.unassign",
        {"agency_id": {"before": second["agency_id"], "after": None}},
    )
    again = await anonymous.delete(f"{_url(home.id)}/{second['id']}", headers=officer)
    assert_problem(again, 404, "not_found")


async def test_the_assigned_worker_sees_the_household_while_it_is_assigned(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    other = await create_household(app)
    worker = await bearer(anonymous, "social_worker")
    assert_problem(
        await anonymous.get(f"/api/v1/households/{home.id}", headers=worker), 404, "not_found"
    )
    created = (await anonymous.post(_url(home.id), json=await _body(app), headers=officer)).json()
    refused = await anonymous.get(f"/api/v1/households/{home.id}", headers=worker)
    assert_problem(refused, 403, "confidentiality_agreement_required")
    worker = await open_to_social_worker(app, anonymous)
    record = await anonymous.get(f"/api/v1/households/{home.id}", headers=worker)
    assert record.status_code == 200, record.text
    assert record.json()["members"][0]["name"] == "张秀英"
    listed = await anonymous.get("/api/v1/households", headers=worker)
    assert [h["id"] for h in listed.json()["items"]] == [str(home.id)]
    assert_problem(
        await anonymous.get(f"/api/v1/households/{other.id}", headers=worker), 404, "not_found"
    )
    colleague = await open_to_social_worker(
        app, anonymous, worker="social_worker_2", agency=OTHER_AGENCY
    )
    assert_problem(
        await anonymous.get(f"/api/v1/households/{home.id}", headers=colleague), 404, "not_found"
    )
    ended = await anonymous.delete(f"{_url(home.id)}/{created['id']}", headers=officer)
    assert ended.status_code == 204
    assert_problem(
        await anonymous.get(f"/api/v1/households/{home.id}", headers=worker), 404, "not_found"
    )
    assert (await anonymous.get("/api/v1/households", headers=worker)).json()["items"] == []
