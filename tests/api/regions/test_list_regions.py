"""GET /api/v1/regions: the districts, or the children of one region (DOMAIN 2)."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import STREET_A, create_demo_district, create_region
from tests.problems import assert_invalid, assert_problem

URL = "/api/v1/regions"


class TestListRegions:
    async def test_districts_are_listed_without_parent_code(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        await create_region(session, "500105", "江北区")

        response = await client.get(URL)

        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "code": "500105",
                    "name": "江北区",
                    "level": "district",
                    "parent_code": None,
                    "version": 1,
                },
                {
                    "code": "500112",
                    "name": "渝北区",
                    "level": "district",
                    "parent_code": None,
                    "version": 1,
                },
            ],
            "next_cursor": None,
        }

    async def test_empty_tree_lists_nothing(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL)

        assert response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None}

    async def test_children_of_a_district_are_its_streets(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": "500112"})

        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "code": "500112001",
                    "name": "双龙湖街道",
                    "level": "street",
                    "parent_code": "500112",
                    "version": 1,
                },
                {
                    "code": "500112002",
                    "name": "双凤桥街道",
                    "level": "street",
                    "parent_code": "500112",
                    "version": 1,
                },
            ],
            "next_cursor": None,
        }

    async def test_children_of_a_street_are_its_two_communities_in_code_order(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": STREET_A})

        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "code": "500112001001",
                    "name": "百果园社区",
                    "level": "community",
                    "parent_code": STREET_A,
                    "version": 1,
                },
                {
                    "code": "500112001002",
                    "name": "双湖社区",
                    "level": "community",
                    "parent_code": STREET_A,
                    "version": 1,
                },
            ],
            "next_cursor": None,
        }

    async def test_children_of_a_community_are_its_grids(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": "500112002001"})

        assert response.status_code == 200
        items = response.json()["items"]
        assert [(r["code"], r["name"], r["level"]) for r in items] == [
            ("500112002001001", "空港社区第一网格", "grid"),
            ("500112002001002", "空港社区第二网格", "grid"),
        ]
        assert {r["parent_code"] for r in items} == {"500112002001"}

    async def test_children_of_a_grid_are_none(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": "500112001001001"})

        assert response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None}

    async def test_unknown_parent_is_404(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": "500112009"})

        body = assert_problem(response, 404, "not_found")
        assert "区划" in body["detail"]

    async def test_unknown_parent_is_404_in_english(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(
            URL, params={"parent_code": "500112009"}, headers={"Accept-Language": "en"}
        )

        body = assert_problem(response, 404, "not_found")
        assert response.headers["content-language"] == "en"
        assert "region" in body["detail"]

    @pytest.mark.parametrize(
        "code", ["50011", "50011a", "50011200", "5001120010", "", "５００１１２", "500112\n"]
    )
    async def test_invalid_parent_code_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, code: str
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": code})

        assert_invalid(response, ["query", "parent_code"], "pattern")


class TestListRegionsPagination:
    async def test_pages_follow_next_cursor(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        first = await client.get(URL, params={"parent_code": "500112", "limit": 1})
        assert first.status_code == 200
        assert [r["code"] for r in first.json()["items"]] == ["500112001"]
        cursor = first.json()["next_cursor"]
        assert isinstance(cursor, str)
        assert cursor

        second = await client.get(
            URL, params={"parent_code": "500112", "limit": 1, "cursor": cursor}
        )
        assert second.status_code == 200
        assert [r["code"] for r in second.json()["items"]] == ["500112002"]
        assert second.json()["next_cursor"] is None

    async def test_limit_equal_to_the_page_size_has_no_next_page(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": "500112", "limit": 2})

        assert response.status_code == 200
        assert len(response.json()["items"]) == 2
        assert response.json()["next_cursor"] is None

    @pytest.mark.parametrize("limit", [0, -1, 201])
    async def test_limit_out_of_range_is_422_not_clamped(
        self, client: httpx.AsyncClient, session: AsyncSession, limit: int
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": "500112", "limit": limit})

        assert_invalid(response, ["query", "limit"])

    async def test_limit_200_is_accepted(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": "500112", "limit": 200})

        assert response.status_code == 200
        assert len(response.json()["items"]) == 2

    async def test_non_numeric_limit_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response = await client.get(URL, params={"limit": "ten"})

        assert_invalid(response, ["query", "limit"], "not_an_integer")

    async def test_tampered_cursor_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        first = await client.get(URL, params={"parent_code": "500112", "limit": 1})
        cursor = first.json()["next_cursor"]
        tampered = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]

        response = await client.get(
            URL, params={"parent_code": "500112", "limit": 1, "cursor": tampered}
        )

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")

    @pytest.mark.parametrize("cursor", ["not-a-cursor", "a", "!!!!"])
    async def test_garbage_cursor_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, cursor: str
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_code": "500112", "cursor": cursor})

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")

    async def test_cursor_of_another_parent_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        first = await client.get(URL, params={"parent_code": "500112", "limit": 1})
        cursor = first.json()["next_cursor"]

        response = await client.get(
            URL, params={"parent_code": STREET_A, "limit": 1, "cursor": cursor}
        )

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")
