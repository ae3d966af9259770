"""Who reads and writes which policy versions (DOMAIN 1): district officers write in their
district; region staff read what bears on their region; other districts see 404."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.core.audit import AuditEvent
from tests.api.eligibility.conftest import OTHER_DISTRICT, OTHER_OFFICER
from tests.api.eligibility.policies_http import (
    DISTRICT,
    OFFICER,
    POLICIES,
    create_policy,
    policy_body,
    published,
    step,
)
from tests.api.households.ledger_http import bearer
from tests.factories import COMMUNITY_A1, STREET_A, STREET_B
from tests.problems import assert_invalid, assert_problem


async def _ids(http: httpx.AsyncClient, username: str, **params: str) -> list[str]:
    response = await http.get(POLICIES, params=params, headers=await bearer(http, username))
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


class TestScope:
    async def test_another_districts_officer_gets_404_everywhere(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        draft = await create_policy(http)
        one = f"{POLICIES}/{draft['id']}"
        other = {**await bearer(http, OTHER_OFFICER), "If-Match": '"1"'}

        answers = [
            await http.get(one, headers=other),
            await http.patch(one, json={"name": "改"}, headers=other),
            await http.post(f"{one}/publish", headers=other),
            await http.post(f"{one}/retire", headers=other),
        ]

        for answer in answers:
            assert_problem(answer, 404, "not_found")
        assert await _ids(http, OTHER_OFFICER) == []
        got = await http.get(one, headers=await bearer(http, OFFICER))
        assert (got.json()["name"], got.json()["status"]) == ("测试政策", "draft")
        async with app.state.services.database.sessionmaker() as session:
            denied = (
                (
                    await session.execute(
                        select(AuditEvent.action).where(
                            AuditEvent.object_id == draft["id"], AuditEvent.outcome == "denied"
                        )
                    )
                )
                .scalars()
                .all()
            )
        assert len(denied) == 4

    async def test_a_random_id_is_404(self, http: httpx.AsyncClient) -> None:
        response = await http.get(
            f"{POLICIES}/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11", headers=await bearer(http, OFFICER)
        )

        assert "政策版本" in assert_problem(response, 404, "not_found")["detail"]

    async def test_an_officer_creates_only_in_its_district(self, http: httpx.AsyncClient) -> None:
        response = await http.post(
            POLICIES,
            json=policy_body(region_code=DISTRICT),
            headers=await bearer(http, OTHER_OFFICER),
        )

        assert_invalid(response, ["body", "region_code"], "region_out_of_scope")
        assert await _ids(http, OFFICER) == []

    async def test_an_officer_creates_for_a_street_of_its_district(
        self, http: httpx.AsyncClient
    ) -> None:
        created = await create_policy(http, region_code=STREET_A)

        assert created["region_code"] == STREET_A

    async def test_region_staff_read_what_bears_on_their_region(
        self, http: httpx.AsyncClient
    ) -> None:
        district = await create_policy(http)
        street_a = await create_policy(http, region_code=STREET_A)
        street_b = await create_policy(http, region_code=STREET_B)
        community = await create_policy(http, region_code=COMMUNITY_A1)
        other = await create_policy(http, OTHER_OFFICER, region_code=OTHER_DISTRICT)

        assert await _ids(http, OFFICER) == [
            d["id"] for d in (district, street_a, street_b, community)
        ]
        assert await _ids(http, "street_officer") == [
            district["id"],
            street_a["id"],
            community["id"],
        ]
        assert await _ids(http, "community_worker") == [
            d["id"] for d in (district, street_a, community)
        ]
        assert await _ids(http, "community_worker_2") == [district["id"], street_b["id"]]
        assert await _ids(http, "street_officer_2") == [district["id"], street_b["id"]]
        head = await bearer(http, "street_officer_2")
        assert_problem(
            await http.get(f"{POLICIES}/{street_a['id']}", headers=head), 404, "not_found"
        )
        everything = [d["id"] for d in (district, street_a, street_b, community, other)]
        for username in ("admin", "social_worker", "auditor"):
            assert await _ids(http, username) == everything


class TestRoles:
    @pytest.mark.parametrize("username", ["grid_worker", "department_officer"])
    async def test_roles_without_use_for_policy_get_403(
        self, http: httpx.AsyncClient, username: str
    ) -> None:
        version = await published(http)
        headers = await bearer(http, username)

        assert_problem(await http.get(POLICIES, headers=headers), 403, "forbidden")
        assert_problem(
            await http.get(f"{POLICIES}/{version['id']}", headers=headers), 403, "forbidden"
        )

    @pytest.mark.parametrize("username", ["street_officer", "community_worker", "admin", "auditor"])
    async def test_only_district_officers_write(
        self, http: httpx.AsyncClient, username: str
    ) -> None:
        draft = await create_policy(http)
        headers = await bearer(http, username)

        assert_problem(
            await http.post(POLICIES, json=policy_body(region_code=STREET_A), headers=headers),
            403,
            "forbidden",
        )
        assert_problem(await step(http, draft, "publish", username), 403, "forbidden")
        got = await http.get(f"{POLICIES}/{draft['id']}", headers=headers)
        assert got.json()["status"] == "draft"
