"""GET /api/v1/organizations/{id}: one organization (DOMAIN 7)."""

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import STREET_A, create_demo_district, create_organization
from tests.problems import assert_invalid, assert_problem


class TestGetOrganization:
    async def test_returns_the_organization(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        created = await create_organization(
            session, kind="charity_federation", region_code=STREET_A, name="双龙湖街道慈善分会"
        )

        response = await client.get(f"/api/v1/organizations/{created.id}")

        assert response.status_code == 200
        assert response.json() == {
            "id": str(created.id),
            "kind": "charity_federation",
            "name": "双龙湖街道慈善分会",
            "region_code": STREET_A,
            "parent_id": None,
            "version": 1,
        }

    async def test_matches_the_list_entry(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        listed = (
            await client.get("/api/v1/organizations", params={"kind": "assistance_guidance_center"})
        ).json()["items"][0]

        response = await client.get(f"/api/v1/organizations/{listed['id']}")

        assert response.status_code == 200
        assert response.json() == listed
        assert response.json()["parent_id"] is not None

    async def test_uppercase_id_is_the_same_organization(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        created = await create_organization(session)

        response = await client.get(f"/api/v1/organizations/{str(created.id).upper()}")

        assert response.status_code == 200
        assert response.json()["id"] == str(created.id)

    async def test_random_uuid_is_404(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(f"/api/v1/organizations/{uuid.uuid4()}")

        body = assert_problem(response, 404, "not_found")
        assert "机构" in body["detail"]

    @pytest.mark.parametrize("value", ["not-a-uuid", "123", "0193"])
    async def test_malformed_id_is_422(self, client: httpx.AsyncClient, value: str) -> None:
        response = await client.get(f"/api/v1/organizations/{value}")

        assert_invalid(response, ["path", "organization_id"], "not_a_uuid")
