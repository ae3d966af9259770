"""An application's assessment (DOMAIN 5, 6): D is the application's date, a conclusive
outcome moves it from under investigation to assessed; and who may run, read and accept
assessments of which households."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.eligibility.assessments_http import D, accept, assessed, home, policy, read, run
from tests.api.eligibility.conftest import OTHER_OFFICER
from tests.api.households.ledger_http import bearer, open_to_social_worker
from tests.factories import assign_household

APPLICATIONS = "/api/v1/applications"


@pytest.fixture
async def http(http: httpx.AsyncClient) -> httpx.AsyncClient:
    await policy(http)
    return http


async def _application(http: httpx.AsyncClient, household: Any, *steps: str) -> dict[str, Any]:
    """Filed on D by the community worker, taken through `steps` on D by the street officer."""
    filed = await http.post(
        APPLICATIONS,
        json={
            "household_id": str(household.id),
            "mode": "self",
            "needs": ["medical"],
            "applied_on": D.isoformat(),
        },
        headers=await bearer(http, "community_worker"),
    )
    assert filed.status_code == 201, filed.text
    current: dict[str, Any] = filed.json()
    officer = await bearer(http, "street_officer")
    for step in steps:
        response = await http.post(
            f"{APPLICATIONS}/{current['id']}/{step}",
            json={"effective_on": D.isoformat()},
            headers={**officer, "If-Match": f'W/"{current["version"]}"'},
        )
        assert response.status_code == 200, response.text
        current = response.json()
    return current


async def _status(http: httpx.AsyncClient, application: dict[str, Any]) -> str:
    response = await http.get(
        f"{APPLICATIONS}/{application['id']}", headers=await bearer(http, "street_officer")
    )
    assert response.status_code == 200, response.text
    status: str = response.json()["status"]
    return status


class TestApplications:
    async def test_a_conclusive_assessment_moves_the_application_on(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        application = await _application(http, household, "accept", "investigate")

        found = await assessed(http, household, application_id=application["id"])

        assert (found["application_id"], found["reference_date"]) == (
            application["id"],
            D.isoformat(),
        )
        assert found["outcome"] == "income_poverty"
        assert await _status(http, application) == "assessed"
        again = await assessed(http, household, application_id=application["id"])
        assert again["current"] is True
        assert await _status(http, application) == "assessed"

    async def test_cannot_assess_leaves_it_under_investigation(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http, assets=False)
        application = await _application(http, household, "accept", "investigate")

        found = await assessed(http, household, application_id=application["id"])

        assert (found["outcome"], found["missing"]) == ("cannot_assess", ["assets"])
        assert await _status(http, application) == "under_investigation"

    async def test_an_application_not_yet_investigated_is_409(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        application = await _application(http, household, "accept")

        response = await run(http, household, application_id=application["id"])

        assert response.status_code == 409, response.text
        assert (response.json()["code"], response.json()["state"]) == (
            "application_not_assessable",
            "accepted",
        )

    async def test_another_household_s_application_is_422(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        other, _ = await home(app, http)
        application = await _application(http, other, "accept", "investigate")

        response = await run(http, household, application_id=application["id"])

        assert response.status_code == 422, response.text
        assert [e["code"] for e in response.json()["errors"]] == ["other_household"]
        assert await _status(http, application) == "under_investigation"


class TestScopeAndRoles:
    @pytest.mark.parametrize("username", ["district_officer", "street_officer", "community_worker"])
    async def test_the_network_runs_them(
        self, app: FastAPI, http: httpx.AsyncClient, username: str
    ) -> None:
        household, _ = await home(app, http)

        assert (await run(http, household, username)).status_code == 201

    @pytest.mark.parametrize("username", ["street_officer_2", "community_worker_2", OTHER_OFFICER])
    async def test_another_street_or_district_finds_nothing(
        self, app: FastAPI, http: httpx.AsyncClient, username: str
    ) -> None:
        household, _ = await home(app, http)
        found = await assessed(http, household)

        listed = await http.get(
            f"/api/v1/households/{household.id}/assessments",
            headers=await bearer(http, username),
        )

        assert (await run(http, household, username)).status_code == 404
        assert (await read(http, found["id"], username)).status_code == 404
        assert listed.status_code == 404
        if username != "community_worker_2":
            assert (await accept(http, found["id"], username)).status_code == 404

    @pytest.mark.parametrize("username", ["grid_worker", "admin", "department_officer"])
    async def test_other_roles_are_refused(
        self, app: FastAPI, http: httpx.AsyncClient, username: str
    ) -> None:
        household, _ = await home(app, http)
        found = await assessed(http, household)

        for response in (
            await run(http, household, username),
            await read(http, found["id"], username),
            await accept(http, found["id"], username),
        ):
            assert (response.status_code, response.json()["code"]) == (403, "forbidden")

    async def test_a_community_worker_does_not_accept(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        found = await assessed(http, household)

        assert (await accept(http, found["id"], "community_worker")).status_code == 403
        assert (await read(http, found["id"], "community_worker")).status_code == 200

    async def test_a_social_worker_reads_under_the_agreement_only(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        found = await assessed(http, household)
        await assign_household(app, household.id)

        refused = await read(http, found["id"], "social_worker")
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] != "forbidden"

        await open_to_social_worker(app, http)
        assert (await read(http, found["id"], "social_worker")).status_code == 200
        assert (await run(http, household, "social_worker")).status_code == 403

    async def test_an_auditor_without_a_grant_finds_nothing(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        found = await assessed(http, household)

        assert (await read(http, found["id"], "auditor")).status_code == 404
