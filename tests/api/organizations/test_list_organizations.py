"""GET /api/v1/organizations: filtered by kind, region subtree or parent (DOMAIN 7)."""

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import STREET_A, create_demo_district, create_organization
from tests.problems import assert_invalid

URL = "/api/v1/organizations"
DEMO_ORGANIZATIONS = 26  # 18 district-wide, 2 per street, 1 residents' committee per community


async def list_all(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """Every organization matching `params`, following `next_cursor`."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(URL, params=query)
        assert response.status_code == 200, response.text
        items += response.json()["items"]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


async def the_one(client: httpx.AsyncClient, kind: str) -> dict[str, Any]:
    response = await client.get(URL, params={"kind": kind})
    (organization,) = response.json()["items"]
    return organization  # type: ignore[no-any-return]


class TestListOrganizations:
    async def test_lists_every_demo_organization(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL)

        assert response.status_code == 200
        body = response.json()
        assert body["next_cursor"] is None
        assert len(body["items"]) == DEMO_ORGANIZATIONS
        assert len({o["id"] for o in body["items"]}) == DEMO_ORGANIZATIONS
        for organization in body["items"]:
            assert set(organization) == {
                "id",
                "kind",
                "name",
                "region_code",
                "parent_id",
                "version",
            }
            assert organization["region_code"].startswith("500112")
        names = {o["name"] for o in body["items"]}
        assert {"渝北区民政局", "渝北区红十字会", "双凤桥街道办事处", "双湖社区居民委员会"} <= names

    async def test_pages_are_disjoint_and_in_id_order(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        items = await list_all(client, limit=7)

        ids = [uuid.UUID(o["id"]) for o in items]
        assert len(ids) == len(set(ids)) == DEMO_ORGANIZATIONS
        assert ids == sorted(ids)

    async def test_empty_database_lists_nothing(self, client: httpx.AsyncClient) -> None:
        response = await client.get(URL)

        assert response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None}

    async def test_kind_red_cross_gives_exactly_one(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"kind": "red_cross"})

        assert response.status_code == 200
        (organization,) = response.json()["items"]
        assert organization["kind"] == "red_cross"
        assert organization["name"] == "渝北区红十字会"
        assert organization["region_code"] == "500112"
        assert organization["parent_id"] is None
        assert response.json()["next_cursor"] is None

    async def test_kind_with_several_organizations(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"kind": "social_work_agency"})

        assert response.status_code == 200
        assert sorted(o["name"] for o in response.json()["items"]) == sorted(
            ["渝北区同心社会工作服务中心", "渝北区暖阳社会工作服务社"]
        )

    @pytest.mark.parametrize("kind", ["police", "RED_CROSS", "red-cross", ""])
    async def test_unknown_kind_is_422_listing_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession, kind: str
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"kind": kind})

        assert_invalid(response, ["query", "kind"])

    async def test_every_kind_of_the_catalog_is_in_the_demo(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        dictionaries = (await client.get("/api/v1/dictionaries")).json()
        (kinds,) = [t for t in dictionaries["tables"] if t["name"] == "organization_kind"]
        catalog_kinds = {c["code"] for c in kinds["codes"]}

        organizations = await list_all(client, limit=200)

        assert {o["kind"] for o in organizations} == catalog_kinds
        for kind in sorted(catalog_kinds):
            response = await client.get(URL, params={"kind": kind})
            assert response.status_code == 200
            assert response.json()["items"], f"no demo organization of kind {kind}"
            assert {o["kind"] for o in response.json()["items"]} == {kind}

    async def test_region_filter_covers_the_street_and_its_communities(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"region": STREET_A})

        assert response.status_code == 200
        found = {(o["kind"], o["name"], o["region_code"]) for o in response.json()["items"]}
        assert found == {
            ("street_office", "双龙湖街道办事处", STREET_A),
            ("street_assistance_station", "双龙湖街道困难群众救助服务所", STREET_A),
            ("residents_committee", "百果园社区居民委员会", "500112001001"),
            ("residents_committee", "双湖社区居民委员会", "500112001002"),
        }

    async def test_region_filter_on_a_community(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"region": "500112002001"})

        assert response.status_code == 200
        assert [o["name"] for o in response.json()["items"]] == ["空港社区居民委员会"]

    async def test_region_filter_on_the_district_includes_everything_below(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"region": "500112", "limit": 200})

        assert len(response.json()["items"]) == DEMO_ORGANIZATIONS

    async def test_region_filter_excludes_a_sibling_street(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"region": "500112002"})

        assert response.status_code == 200
        regions = {o["region_code"] for o in response.json()["items"]}
        assert regions == {"500112002", "500112002001", "500112002002"}

    async def test_region_and_kind_combine(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"region": "500112", "kind": "residents_committee"})

        assert response.status_code == 200
        assert sorted(o["region_code"] for o in response.json()["items"]) == [
            "500112001001",
            "500112001002",
            "500112002001",
            "500112002002",
        ]

    async def test_region_without_organizations_lists_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"region": "500112001001001"})

        assert response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None}

    @pytest.mark.parametrize("region", ["50011", "5001120010", "abcdef"])
    async def test_invalid_region_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, region: str
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"region": region})

        assert_invalid(response, ["query", "region"], "pattern")

    async def test_parent_id_lists_the_organizations_under_it(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        bureau = await the_one(client, "civil_affairs_bureau")

        response = await client.get(URL, params={"parent_id": bureau["id"]})

        assert response.status_code == 200
        (centre,) = response.json()["items"]
        assert centre["kind"] == "assistance_guidance_center"
        assert centre["name"] == "渝北区困难群众救助服务指导中心"
        assert centre["parent_id"] == bureau["id"]

    async def test_parent_id_of_a_street_office_gives_its_station(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        offices = await client.get(URL, params={"kind": "street_office", "region": STREET_A})
        (office,) = offices.json()["items"]

        response = await client.get(URL, params={"parent_id": office["id"]})

        assert [(o["kind"], o["region_code"]) for o in response.json()["items"]] == [
            ("street_assistance_station", STREET_A)
        ]

    async def test_parent_id_with_children_added_later(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        red_cross = await the_one(client, "red_cross")
        branch = await create_organization(
            session,
            kind="red_cross",
            region_code=STREET_A,
            name="双龙湖街道红十字会",
            parent_id=uuid.UUID(red_cross["id"]),
        )

        response = await client.get(URL, params={"parent_id": red_cross["id"]})

        assert response.json()["items"] == [
            {
                "id": str(branch.id),
                "kind": "red_cross",
                "name": "双龙湖街道红十字会",
                "region_code": STREET_A,
                "parent_id": red_cross["id"],
                "version": 1,
            }
        ]

    async def test_unknown_parent_id_lists_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)

        response = await client.get(URL, params={"parent_id": str(uuid.uuid4())})

        assert response.status_code == 200
        assert response.json() == {"items": [], "next_cursor": None}

    async def test_malformed_parent_id_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        response = await client.get(URL, params={"parent_id": "not-a-uuid"})

        assert_invalid(response, ["query", "parent_id"], "not_a_uuid")


class TestListOrganizationsPagination:
    @pytest.mark.parametrize("limit", [0, 201])
    async def test_limit_out_of_range_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession, limit: int
    ) -> None:
        response = await client.get(URL, params={"limit": limit})

        assert_invalid(response, ["query", "limit"])

    async def test_cursor_of_another_filter_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        first = await client.get(URL, params={"limit": 2})
        cursor = first.json()["next_cursor"]

        response = await client.get(
            URL, params={"limit": 2, "kind": "residents_committee", "cursor": cursor}
        )

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")

    async def test_tampered_cursor_is_422(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await create_demo_district(session)
        first = await client.get(URL, params={"limit": 2})
        cursor = first.json()["next_cursor"]
        tampered = cursor[:-6] + ("A" if cursor[-6] != "A" else "B") + cursor[-5:]

        response = await client.get(URL, params={"limit": 2, "cursor": tampered})

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")
