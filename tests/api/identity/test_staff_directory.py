"""GET /api/v1/staff and /staff/{id}: the staff within the caller's reach (issue 13), never
another district's, without sign-in internals."""

import uuid
from typing import Any

import httpx
import pytest

from tests.api.identity.helpers import USERS_URL, deactivate, headers_for, user_by_name
from tests.problems import assert_invalid, assert_problem

pytestmark = pytest.mark.usefixtures("demo")
STAFF = "/api/v1/staff"
FIELDS = {"id", "display_name", "role", "organization", "region", "active"}
ORGANISATION_STAFF = {"social_worker", "social_worker_2", "department_officer"}


async def _names(http: httpx.AsyncClient, username: str, **params: Any) -> list[tuple[str, str]]:
    """(display name, role) of every item, all pages followed."""
    headers = await headers_for(http, username)
    found: list[tuple[str, str]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": 3} | ({"cursor": cursor} if cursor else {})
        response = await http.get(STAFF, params=query, headers=headers)
        assert response.status_code == 200, response.text
        for item in response.json()["items"]:
            assert set(item) == FIELDS
            found.append((item["display_name"], item["role"]))
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return found


async def _usernames(http: httpx.AsyncClient, admin: dict[str, str], username: str) -> set[str]:
    """Who `username` finds, as usernames (looked up by the admin)."""
    everyone = await http.get(USERS_URL, params={"limit": 200}, headers=admin)
    by_name = {u["display_name"]: u["username"] for u in everyone.json()["items"]}
    return {by_name[name] for name, _ in await _names(http, username)}


@pytest.fixture
async def other_district(anonymous: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    """A street officer of another district (江北区, 500105)."""
    for code, name in (("500105", "江北区"), ("500105001", "石马河街道")):
        response = await anonymous.post(
            "/api/v1/regions", json={"code": code, "name": name}, headers=admin
        )
        assert response.status_code == 201, response.text
    response = await anonymous.post(
        USERS_URL,
        json={
            "username": "jiangbei_officer",
            "display_name": "石马河街道干部",
            "role": "street_officer",
            "scope_region_code": "500105001",
            "password": "Jiangbei-Officer-2026",
        },
        headers=admin,
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


class TestReach:
    async def test_a_district_officer_sees_its_district_and_its_organisations(
        self,
        anonymous: httpx.AsyncClient,
        admin: dict[str, str],
        other_district: dict[str, Any],
    ) -> None:
        found = await _usernames(anonymous, admin, "district_officer")
        assert found == {
            "district_officer",
            "street_officer",
            "street_officer_2",
            "community_worker",
            "community_worker_2",
            "grid_worker",
            *ORGANISATION_STAFF,
        }, "never another district's staff, the admin or the auditor"

    async def test_a_street_officer_sees_its_street_those_above_and_the_agencies(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        found = await _usernames(anonymous, admin, "street_officer")
        assert found == {
            "district_officer",
            "street_officer",
            "community_worker",
            "grid_worker",
            *ORGANISATION_STAFF,
        }, "not the other street's officer"

    async def test_a_community_worker_sees_its_community_and_its_chain(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        found = await _usernames(anonymous, admin, "community_worker")
        assert found == {"district_officer", "street_officer", "community_worker", "grid_worker"}

    async def test_a_social_worker_sees_its_agency_only(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        assert await _usernames(anonymous, admin, "social_worker") == {"social_worker"}

    async def test_roles_without_a_directory_are_forbidden(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        for username in ("admin", "auditor"):
            response = await anonymous.get(STAFF, headers=await headers_for(anonymous, username))
            assert_problem(response, 403, "forbidden")


class TestOne:
    async def test_within_reach_with_its_organisation_and_region(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        officer = await headers_for(anonymous, "street_officer")
        worker = await user_by_name(anonymous, admin, "social_worker")
        community = await user_by_name(anonymous, admin, "community_worker")

        agency = await anonymous.get(f"{STAFF}/{worker['id']}", headers=officer)
        local = await anonymous.get(f"{STAFF}/{community['id']}", headers=officer)

        assert agency.status_code == 200, agency.text
        assert agency.json() == {
            "id": worker["id"],
            "display_name": "同心社工",
            "role": "social_worker",
            "organization": {"id": worker["organization_id"], "name": "渝北区同心社会工作服务中心"},
            "region": None,
            "active": True,
        }
        assert local.json()["region"] == {
            "code": "500112001001",
            "name": local.json()["region"]["name"],
        }
        assert local.json()["region"]["name"]
        assert local.json()["organization"] is None

    async def test_outside_reach_is_404_like_a_stranger(
        self,
        anonymous: httpx.AsyncClient,
        admin: dict[str, str],
        other_district: dict[str, Any],
    ) -> None:
        other_street = await user_by_name(anonymous, admin, "street_officer_2")
        auditor = await user_by_name(anonymous, admin, "auditor")
        officer = await headers_for(anonymous, "street_officer")
        district = await headers_for(anonymous, "district_officer")

        for headers, user_id in (
            (officer, other_street["id"]),
            (officer, auditor["id"]),
            (district, other_district["id"]),
            (district, str(uuid.uuid4())),
        ):
            response = await anonymous.get(f"{STAFF}/{user_id}", headers=headers)
            assert_problem(response, 404, "not_found")
            assert "jiangbei" not in response.text


class TestNoInternals:
    async def test_no_sign_in_name_phone_or_password_state(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.get(
            STAFF, params={"limit": 200}, headers=await headers_for(anonymous, "district_officer")
        )
        assert response.status_code == 200, response.text
        for item in response.json()["items"]:
            assert set(item) == FIELDS
        for internal in ("username", "password", "phone", "confidentiality", "tokens", "lock"):
            assert internal not in response.text
        assert "street_officer_2" not in response.text, "no sign-in names"


class TestFilters:
    async def test_role_region_organisation_and_name_prefix(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        worker = await user_by_name(anonymous, admin, "social_worker")

        assert await _names(anonymous, "district_officer", role="grid_worker") == [
            ("百果园第一网格员", "grid_worker")
        ]
        assert {
            n for n, _ in await _names(anonymous, "district_officer", region="500112001001")
        } == {
            "百果园社区工作者",
            "百果园第一网格员",
        }
        assert await _names(
            anonymous, "district_officer", organization_id=worker["organization_id"]
        ) == [("同心社工", "social_worker")]
        assert {n for n, _ in await _names(anonymous, "district_officer", q="双")} == {
            "双龙湖街道干部",
            "双凤桥街道干部",
        }
        assert await _names(anonymous, "district_officer", q="%") == [], "wildcards are literal"

    async def test_active(self, anonymous: httpx.AsyncClient, admin: dict[str, str]) -> None:
        grid = await user_by_name(anonymous, admin, "grid_worker")
        assert (await deactivate(anonymous, admin, grid["id"])).status_code == 200

        inactive = await _names(anonymous, "street_officer", active="false")
        active = await _names(anonymous, "street_officer", active="true")

        assert inactive == [("百果园第一网格员", "grid_worker")]
        assert ("百果园第一网格员", "grid_worker") not in active
        assert len(await _names(anonymous, "street_officer")) == len(active) + 1

    async def test_malformed_filters_are_refused(self, anonymous: httpx.AsyncClient) -> None:
        headers = await headers_for(anonymous, "district_officer")
        region = await anonymous.get(STAFF, params={"region": "5001"}, headers=headers)
        role = await anonymous.get(STAFF, params={"role": "mayor"}, headers=headers)
        assert_invalid(region, ["query", "region"], "pattern")
        assert_invalid(role, ["query", "role"], "unknown_code")


class TestOrder:
    async def test_by_display_name_then_id_stable_across_pages_with_ties(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        made = []
        for index in range(4):
            response = await anonymous.post(
                USERS_URL,
                json={
                    "username": f"grid_twin_{index}",
                    "display_name": "网格员",
                    "role": "grid_worker",
                    "scope_region_code": "500112001001002",
                    "password": "Grid-Twin-Password-26",
                },
                headers=admin,
            )
            assert response.status_code == 201, response.text
            made.append(response.json()["id"])
        headers = await headers_for(anonymous, "street_officer")
        seen: list[str] = []
        cursor: str | None = None
        while True:
            query = {"q": "网格员", "limit": 1} | ({"cursor": cursor} if cursor else {})
            response = await anonymous.get(STAFF, params=query, headers=headers)
            seen += [i["id"] for i in response.json()["items"]]
            cursor = response.json()["next_cursor"]
            if cursor is None:
                break

        assert seen == sorted(made)
