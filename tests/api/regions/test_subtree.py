"""GET /api/v1/regions/{code}/subtree: every region below a region (DOMAIN 2)."""

import itertools
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import STREET_A, create_demo_district, create_region
from tests.problems import assert_invalid, assert_problem

STREETS = ["500112001", "500112002"]
COMMUNITIES = [f"{s}{c:03d}" for s in STREETS for c in (1, 2)]
GRIDS = [f"{c}{g:03d}" for c in COMMUNITIES for g in (1, 2)]


def url(code: str) -> str:
    return f"/api/v1/regions/{code}/subtree"


async def all_pages(
    client: httpx.AsyncClient, code: str, **params: Any
) -> list[list[dict[str, Any]]]:
    """Every page of a subtree, following `next_cursor` until it is null."""
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(url(code), params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "pagination does not end"


class TestSubtree:
    async def test_district_subtree_has_all_14_descendants_across_pages(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        pages = await all_pages(client, "500112", limit=5)

        assert [len(page) for page in pages] == [5, 5, 4]
        codes = [r["code"] for page in pages for r in page]
        assert len(set(codes)) == len(codes) == 14
        assert all(a < b for a, b in itertools.pairwise(codes))
        assert set(codes) == set(STREETS + COMMUNITIES + GRIDS)
        assert "500112" not in codes

    async def test_items_carry_level_name_and_parent(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url(STREET_A))

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
                    "code": "500112001001001",
                    "name": "百果园社区第一网格",
                    "level": "grid",
                    "parent_code": "500112001001",
                    "version": 1,
                },
                {
                    "code": "500112001001002",
                    "name": "百果园社区第二网格",
                    "level": "grid",
                    "parent_code": "500112001001",
                    "version": 1,
                },
                {
                    "code": "500112001002",
                    "name": "双湖社区",
                    "level": "community",
                    "parent_code": STREET_A,
                    "version": 1,
                },
                {
                    "code": "500112001002001",
                    "name": "双湖社区第一网格",
                    "level": "grid",
                    "parent_code": "500112001002",
                    "version": 1,
                },
                {
                    "code": "500112001002002",
                    "name": "双湖社区第二网格",
                    "level": "grid",
                    "parent_code": "500112001002",
                    "version": 1,
                },
            ],
            "next_cursor": None,
        }

    async def test_level_grid_returns_only_the_8_grids(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        pages = await all_pages(client, "500112", level="grid", limit=3)

        items = [r for page in pages for r in page]
        assert [r["code"] for r in items] == GRIDS
        assert {r["level"] for r in items} == {"grid"}

    async def test_level_community_returns_only_communities(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url("500112"), params={"level": "community"})

        assert response.status_code == 200
        assert [r["code"] for r in response.json()["items"]] == COMMUNITIES

    async def test_level_of_the_region_itself_is_empty(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url(STREET_A), params={"level": "street"})

        assert response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None}

    async def test_subtree_of_a_grid_is_empty(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url("500112001001001"))

        assert response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None}

    async def test_subtree_does_not_leak_a_sibling_street(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        await create_region(session, "500112003", "木耳镇")
        await create_region(session, "500112003001", "金刚村社区")

        street = await client.get(url(STREET_A))
        district = await client.get(url("500112"), params={"limit": 200})

        street_codes = [r["code"] for r in street.json()["items"]]
        assert street_codes == [
            "500112001001",
            "500112001001001",
            "500112001001002",
            "500112001002",
            "500112001002001",
            "500112001002002",
        ]
        district_codes = [r["code"] for r in district.json()["items"]]
        assert len(district_codes) == 16
        assert {"500112003", "500112003001"} <= set(district_codes)

    async def test_subtree_does_not_leak_a_neighbouring_district(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        await create_region(session, "500113", "巴南区")
        await create_region(session, "500113001", "鱼洞街道")
        await create_region(session, "500111", "大足区")
        await create_region(session, "500111999", "某街道")

        response = await client.get(url("500112"), params={"limit": 200})

        codes = [r["code"] for r in response.json()["items"]]
        assert len(codes) == 14
        assert all(code.startswith("500112") and code != "500112" for code in codes)

    async def test_ten_digit_code_is_not_a_region_code(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url("5001120010"))

        assert_invalid(response, ["path", "code"], "pattern")

    async def test_unknown_region_is_404(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url("500112009"))

        assert_problem(response, 404, "not_found")

    async def test_unknown_level_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url("500112"), params={"level": "village"})

        assert_invalid(response, ["query", "level"], "unknown_code")


class TestSubtreePagination:
    @pytest.mark.parametrize("limit", [0, 201])
    async def test_limit_out_of_range_is_422_not_clamped(
        self, client: httpx.AsyncClient, session: AsyncSession, limit: int
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url("500112"), params={"limit": limit})

        body = assert_invalid(response, ["query", "limit"])
        assert body["errors"][0]["code"] == ("too_small" if limit == 0 else "too_large")

    async def test_limit_200_returns_everything_on_one_page(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(url("500112"), params={"limit": 200})

        assert response.status_code == 200
        assert len(response.json()["items"]) == 14
        assert response.json()["next_cursor"] is None

    async def test_default_page_holds_fifty(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        for community in range(3, 40):  # 14 demo regions + 37 = 51
            await create_region(session, f"500112001{community:03d}")

        response = await client.get(url("500112"))

        assert response.status_code == 200
        assert len(response.json()["items"]) == 50
        assert response.json()["next_cursor"] is not None

    async def test_tampered_cursor_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        first = await client.get(url("500112"), params={"limit": 5})
        cursor = first.json()["next_cursor"]
        tampered = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]

        response = await client.get(url("500112"), params={"limit": 5, "cursor": tampered})

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")

    async def test_cursor_from_the_children_list_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        children = await client.get("/api/v1/regions", params={"parent_code": "500112", "limit": 1})
        cursor = children.json()["next_cursor"]
        assert cursor

        response = await client.get(url("500112"), params={"limit": 1, "cursor": cursor})

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")

    async def test_cursor_of_another_level_filter_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        grids = await client.get(url("500112"), params={"level": "grid", "limit": 2})
        cursor = grids.json()["next_cursor"]

        response = await client.get(url("500112"), params={"limit": 2, "cursor": cursor})

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")

    async def test_cursor_of_another_region_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        first = await client.get(url("500112"), params={"limit": 1})
        cursor = first.json()["next_cursor"]

        response = await client.get(url(STREET_A), params={"limit": 1, "cursor": cursor})

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")
