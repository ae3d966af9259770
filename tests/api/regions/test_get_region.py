"""GET /api/v1/regions/{code}: a region and its path from the district (DOMAIN 2)."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_demo_district
from tests.problems import assert_invalid, assert_problem

DISTRICT = {"code": "500112", "name": "渝北区", "level": "district"}
STREET = {"code": "500112002", "name": "双凤桥街道", "level": "street"}
COMMUNITY = {"code": "500112002002", "name": "双凤社区", "level": "community"}
GRID = {"code": "500112002002002", "name": "双凤社区第二网格", "level": "grid"}


class TestGetRegion:
    @pytest.mark.parametrize(
        ("path", "parent_code"),
        [
            ([DISTRICT], None),
            ([DISTRICT, STREET], "500112"),
            ([DISTRICT, STREET, COMMUNITY], "500112002"),
            ([DISTRICT, STREET, COMMUNITY, GRID], "500112002002"),
        ],
        ids=["district", "street", "community", "grid"],
    )
    async def test_region_resolves_to_its_path_from_the_district(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        path: list[dict[str, str]],
        parent_code: str | None,
    ) -> None:
        await create_demo_district(session)
        region = path[-1]

        response = await client.get(f"/api/v1/regions/{region['code']}")

        assert response.status_code == 200
        assert response.json() == {**region, "parent_code": parent_code, "version": 1, "path": path}

    async def test_unknown_code_is_404(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get("/api/v1/regions/500112001009")

        assert_problem(response, 404, "not_found")

    async def test_code_in_an_unknown_district_is_404(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get("/api/v1/regions/500113001")

        assert_problem(response, 404, "not_found")

    @pytest.mark.parametrize(
        "code", ["50011", "50011a", "50011200", "5001120010", "5001120010010010"]
    )
    async def test_invalid_code_format_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, code: str
    ) -> None:
        await create_demo_district(session)

        response = await client.get(f"/api/v1/regions/{code}")

        assert_invalid(response, ["path", "code"], "pattern")

    @pytest.mark.parametrize("code", ["５００１１２", "٥٠٠١١٢", "500１12001"])
    async def test_non_ascii_digits_are_422(
        self, client: httpx.AsyncClient, session: AsyncSession, code: str
    ) -> None:
        """Only ASCII digits make a region code (full-width or Arabic-Indic ones are not)."""
        await create_demo_district(session)

        response = await client.get(f"/api/v1/regions/{code}")

        assert_invalid(response, ["path", "code"], "pattern")
