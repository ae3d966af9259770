"""/api/v1/users: admins manage users; everyone keeps their own account (users/me)."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import PASSWORD_FLOOR, Settings
from app.demo.identity import DEMO_USERS
from tests.api.identity.helpers import (
    ME_URL,
    REFRESH_URL,
    STRONG_PASSWORD,
    USERS_URL,
    bearer,
    client_token,
    headers_for,
    me,
    password_grant,
    tokens_for,
    user_by_name,
)
from tests.factories import (
    COMMUNITY_A1,
    DEMO_PASSWORD,
    GRID_A1_1,
    STREET_A,
    create_organization,
)
from tests.problems import assert_invalid, assert_problem

pytestmark = pytest.mark.usefixtures("demo")
PASSWORD_URL = f"{ME_URL}/password"
USER_FIELDS = {
    "id",
    "username",
    "display_name",
    "phone",
    "role",
    "scope_region_code",
    "organization_id",
    "active",
    "confidentiality_signed_at",
    "version",
    "created_at",
}


def new_user(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "username": "new_officer",
        "display_name": "新街道干部",
        "phone": "023-67800000",
        "role": "street_officer",
        "scope_region_code": "500112001",
        "password": STRONG_PASSWORD,
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


class TestCreateUser:
    async def test_an_admin_creates_a_user_who_can_sign_in(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.post(USERS_URL, json=new_user(), headers=admin)

        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == USER_FIELDS
        assert body["username"] == "new_officer"
        assert body["display_name"] == "新街道干部"
        assert body["phone"] == "023-67800000"
        assert body["role"] == "street_officer"
        assert body["scope_region_code"] == "500112001"
        assert body["organization_id"] is None
        assert body["active"] is True
        assert body["confidentiality_signed_at"] is None
        assert body["version"] == 1
        assert response.headers["location"] == f"/api/v1/users/{body['id']}"
        assert response.headers["etag"] == 'W/"1"'
        assert STRONG_PASSWORD not in response.text
        fetched = await anonymous.get(response.headers["location"], headers=admin)
        assert fetched.json() == body
        signed_in = await password_grant(anonymous, "new_officer", STRONG_PASSWORD)
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["scope"] == "500112001"

    async def test_a_social_worker_belongs_to_an_organization(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        agency = await create_organization(session, kind="social_work_agency")
        body = new_user(
            username="new_social",
            role="social_worker",
            scope_region_code=None,
            organization_id=str(agency.id),
        )

        response = await anonymous.post(USERS_URL, json=body, headers=admin)

        assert response.status_code == 201, response.text
        assert response.json()["organization_id"] == str(agency.id)
        assert response.json()["scope_region_code"] is None

    async def test_every_role_the_contract_offers_is_accepted(
        self,
        document: dict[str, Any],
        anonymous: httpx.AsyncClient,
        admin: dict[str, str],
        session: AsyncSession,
    ) -> None:
        schemas = document["components"]["schemas"]
        role_schema = schemas["UserCreate"]["properties"]["role"]
        if "$ref" in role_schema:
            role_schema = schemas[role_schema["$ref"].rsplit("/", 1)[-1]]
        offered = role_schema["enum"]
        agency = await create_organization(session, kind="social_work_agency")
        scopes = {
            "district_officer": "500112",
            "street_officer": STREET_A,
            "community_worker": COMMUNITY_A1,
            "grid_worker": GRID_A1_1,
        }
        organizations = {"social_worker": str(agency.id), "department_officer": str(agency.id)}
        for role in offered:
            body = new_user(
                username=f"offered_{role}",
                role=role,
                scope_region_code=scopes.get(role),
                organization_id=organizations.get(role),
            )

            response = await anonymous.post(USERS_URL, json=body, headers=admin)

            assert response.status_code == 201, (role, response.text)
            assert response.json()["role"] == role
        assert "partner" not in offered, "partner is for API clients only"

    async def test_a_duplicate_username_is_409(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.post(
            USERS_URL, json=new_user(username="street_officer"), headers=admin
        )

        assert_problem(response, 409, "integrity_conflict")

    async def test_weak_passwords_are_refused(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        cases = [
            ("password123", "password_common"),
            ("Password123!", "password_common"),
            ("Sh0rt-pw", "password_too_short"),
            ("x-new_officer-2026", "password_contains_username"),
            ("abababababab", "password_too_simple"),
        ]
        for password, code in cases:
            response = await anonymous.post(
                USERS_URL, json=new_user(password=password), headers=admin
            )

            body = assert_invalid(response, ["body", "password"], code)
            assert password not in response.text
            assert all(error["loc"] == ["body", "password"] for error in body["errors"])
        assert (await password_grant(anonymous, "new_officer", "password123")).status_code == 400

    async def test_the_scope_must_fit_the_role(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"scope_region_code": "500112001001"}, "scope_region_code"),
            ({"scope_region_code": "500112"}, "scope_region_code"),
            ({"scope_region_code": ...}, "scope_region_code"),
            ({"role": "community_worker"}, "scope_region_code"),
            ({"role": "grid_worker", "scope_region_code": "500112001001"}, "scope_region_code"),
            ({"role": "social_worker", "scope_region_code": ...}, "organization_id"),
            ({"role": "department_officer", "scope_region_code": ...}, "organization_id"),
            ({"role": "partner", "scope_region_code": ...}, "role"),
        ]
        for changes, field in cases:
            response = await anonymous.post(USERS_URL, json=new_user(**changes), headers=admin)

            assert_invalid(response, ["body", field], "scope_mismatch")
        refused = await password_grant(anonymous, "new_officer", STRONG_PASSWORD)
        assert refused.status_code == 400, "no user was created"

    async def test_an_unknown_organization_is_404(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        body = new_user(
            role="social_worker",
            scope_region_code=...,
            organization_id="01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
        )

        response = await anonymous.post(USERS_URL, json=body, headers=admin)

        assert_problem(response, 404, "not_found")

    async def test_an_unknown_region_is_404(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.post(
            USERS_URL, json=new_user(scope_region_code="500112009"), headers=admin
        )

        assert_problem(response, 404, "not_found")

    async def test_malformed_bodies_are_422(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        cases: list[dict[str, Any]] = [
            {"username": "Upper_Case"},
            {"username": "ab"},
            {"role": "mayor"},
            {"password": ...},
        ]
        for changes in cases:
            response = await anonymous.post(USERS_URL, json=new_user(**changes), headers=admin)

            (field,) = changes
            assert_invalid(response, ["body", field])


class TestListUsers:
    async def test_lists_every_user_by_username(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.get(USERS_URL, headers=admin)

        assert response.status_code == 200
        names = [u["username"] for u in response.json()["items"]]
        assert names == sorted(u[0] for u in DEMO_USERS)
        assert all(set(u) == USER_FIELDS for u in response.json()["items"])
        assert "password" not in response.text

    async def test_filters(self, anonymous: httpx.AsyncClient, admin: dict[str, str]) -> None:
        async def names(**params: Any) -> list[str]:
            response = await anonymous.get(USERS_URL, params=params, headers=admin)
            assert response.status_code == 200, response.text
            return [u["username"] for u in response.json()["items"]]

        worker = await user_by_name(anonymous, admin, "grid_worker")
        await anonymous.patch(
            f"{USERS_URL}/{worker['id']}",
            json={"active": False},
            headers={**admin, "If-Match": 'W/"1"'},
        )

        assert await names(role="street_officer") == ["street_officer", "street_officer_2"]
        assert await names(region="500112001") == [
            "community_worker",
            "grid_worker",
            "street_officer",
        ]
        assert await names(region="500112002") == ["community_worker_2", "street_officer_2"]
        assert await names(active="false") == ["grid_worker"]
        assert await names(region="500112001", active="true") == [
            "community_worker",
            "street_officer",
        ]
        assert await names(role="social_worker", region="500112") == []

    async def test_pages_cover_everyone_once(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            response = await anonymous.get(USERS_URL, params=params, headers=admin)
            assert response.status_code == 200, response.text
            page = response.json()
            assert len(page["items"]) <= 3
            seen += [u["username"] for u in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break

        assert seen == sorted(u[0] for u in DEMO_USERS)
        assert pages == 4

    async def test_a_cursor_of_another_filter_is_refused(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        first = await anonymous.get(USERS_URL, params={"limit": 2}, headers=admin)

        response = await anonymous.get(
            USERS_URL,
            params={"limit": 2, "role": "admin", "cursor": first.json()["next_cursor"]},
            headers=admin,
        )

        assert_invalid(response, ["query", "cursor"], "invalid_cursor")

    async def test_limit_over_200_is_422(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        assert_invalid(
            await anonymous.get(USERS_URL, params={"limit": 201}, headers=admin),
            ["query", "limit"],
        )

    async def test_an_unknown_user_is_404(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.get(
            f"{USERS_URL}/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11", headers=admin
        )

        assert_problem(response, 404, "not_found")


class TestUpdateUser:
    async def test_patch_changes_the_user_and_its_version(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        officer = await user_by_name(anonymous, admin, "street_officer")

        response = await anonymous.patch(
            f"{USERS_URL}/{officer['id']}",
            json={"display_name": "新名字", "phone": "13800138000"},
            headers={**admin, "If-Match": 'W/"1"'},
        )

        assert response.status_code == 200, response.text
        assert response.headers["etag"] == 'W/"2"'
        body = response.json()
        assert body == {
            **officer,
            "display_name": "新名字",
            "phone": "13800138000",
            "version": 2,
        }

    async def test_moving_a_user_to_another_street(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        officer = await user_by_name(anonymous, admin, "street_officer")

        response = await anonymous.patch(
            f"{USERS_URL}/{officer['id']}",
            json={"scope_region_code": "500112002"},
            headers={**admin, "If-Match": 'W/"1"'},
        )

        assert response.status_code == 200, response.text
        assert (await tokens_for(anonymous, "street_officer"))["scope"] == "500112002"

    async def test_without_if_match_it_is_428(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        officer = await user_by_name(anonymous, admin, "street_officer")

        response = await anonymous.patch(
            f"{USERS_URL}/{officer['id']}", json={"display_name": "x"}, headers=admin
        )

        assert_problem(response, 428, "if_match_required")

    async def test_a_stale_if_match_is_412_and_changes_nothing(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        officer = await user_by_name(anonymous, admin, "street_officer")
        url = f"{USERS_URL}/{officer['id']}"
        first = await anonymous.patch(
            url, json={"display_name": "第一"}, headers={**admin, "If-Match": 'W/"1"'}
        )
        assert first.status_code == 200

        response = await anonymous.patch(
            url, json={"display_name": "第二"}, headers={**admin, "If-Match": 'W/"1"'}
        )

        assert_problem(response, 412, "version_mismatch")
        assert (await anonymous.get(url, headers=admin)).json()["display_name"] == "第一"

    async def test_a_role_change_must_fit_the_scope(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        officer = await user_by_name(anonymous, admin, "street_officer")

        response = await anonymous.patch(
            f"{USERS_URL}/{officer['id']}",
            json={"role": "community_worker"},
            headers={**admin, "If-Match": 'W/"1"'},
        )

        assert_invalid(response, ["body", "scope_region_code"], "scope_mismatch")

    async def test_null_for_a_required_field_is_422(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        """Explicit nulls for fields a user must have are validation errors, not 409 or 500."""
        officer = await user_by_name(anonymous, admin, "street_officer")
        for field in ("role", "display_name", "active"):
            response = await anonymous.patch(
                f"{USERS_URL}/{officer['id']}",
                json={field: None},
                headers={**admin, "If-Match": 'W/"1"'},
            )

            assert_invalid(response, ["body", field])
        unchanged = await anonymous.get(f"{USERS_URL}/{officer['id']}", headers=admin)
        assert unchanged.json() == officer

    async def test_an_unknown_user_is_404(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.patch(
            f"{USERS_URL}/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
            json={"active": False},
            headers={**admin, "If-Match": 'W/"1"'},
        )

        assert_problem(response, 404, "not_found")


class TestUsersNeedAnAdmin:
    async def test_other_roles_get_403(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        target = await user_by_name(anonymous, admin, "grid_worker")
        for username in ("district_officer", "street_officer", "auditor", "social_worker"):
            headers = await headers_for(anonymous, username)

            responses = [
                await anonymous.get(USERS_URL, headers=headers),
                await anonymous.post(USERS_URL, json=new_user(), headers=headers),
                await anonymous.get(f"{USERS_URL}/{target['id']}", headers=headers),
                await anonymous.patch(
                    f"{USERS_URL}/{target['id']}",
                    json={"active": False},
                    headers={**headers, "If-Match": 'W/"1"'},
                ),
            ]

            for response in responses:
                assert_problem(response, 403, "forbidden")
        assert (await password_grant(anonymous, "grid_worker")).status_code == 200

    async def test_a_partner_client_gets_403(self, anonymous: httpx.AsyncClient) -> None:
        headers = bearer(await client_token(anonymous))

        assert_problem(await anonymous.get(USERS_URL, headers=headers), 403, "forbidden")

    async def test_anonymous_gets_401(self, anonymous: httpx.AsyncClient) -> None:
        assert_problem(await anonymous.get(USERS_URL), 401, "unauthorized")
        assert_problem(await anonymous.post(USERS_URL, json=new_user()), 401, "unauthorized")


class TestMe:
    async def test_every_person_reads_their_own_record(self, anonymous: httpx.AsyncClient) -> None:
        for username, display_name, role, scope, _ in DEMO_USERS:
            response = await anonymous.get(ME_URL, headers=await headers_for(anonymous, username))

            assert response.status_code == 200, response.text
            body = response.json()
            assert body["username"] == username
            assert body["display_name"] == display_name
            assert body["role"] == role.value
            assert body["scope_region_code"] == scope
            assert response.headers["etag"] == f'W/"{body["version"]}"'

    async def test_a_partner_client_gets_403(self, anonymous: httpx.AsyncClient) -> None:
        headers = bearer(await client_token(anonymous))

        assert_problem(await anonymous.get(ME_URL, headers=headers), 403, "forbidden")
        assert_problem(
            await anonymous.patch(
                ME_URL, json={"display_name": "x"}, headers={**headers, "If-Match": 'W/"1"'}
            ),
            403,
            "forbidden",
        )
        assert_problem(
            await anonymous.post(
                PASSWORD_URL,
                json={"old_password": DEMO_PASSWORD, "new_password": STRONG_PASSWORD},
                headers=headers,
            ),
            403,
            "forbidden",
        )

    async def test_a_person_renames_themselves(self, anonymous: httpx.AsyncClient) -> None:
        headers = await headers_for(anonymous, "community_worker")
        before = await me(anonymous, headers)

        response = await anonymous.patch(
            ME_URL,
            json={"display_name": "百果园小王"},
            headers={**headers, "If-Match": f'W/"{before["version"]}"'},
        )

        assert response.status_code == 200, response.text
        assert response.json() == {
            **before,
            "display_name": "百果园小王",
            "version": before["version"] + 1,
        }
        assert response.headers["etag"] == f'W/"{before["version"] + 1}"'
        assert (await me(anonymous, headers))["display_name"] == "百果园小王"

    async def test_users_me_cannot_change_role_or_scope(self, anonymous: httpx.AsyncClient) -> None:
        headers = await headers_for(anonymous, "grid_worker")

        response = await anonymous.patch(
            ME_URL,
            json={
                "display_name": "网格员",
                "role": "admin",
                "scope_region_code": "500112",
                "active": True,
            },
            headers={**headers, "If-Match": 'W/"1"'},
        )

        assert response.status_code == 200, response.text
        assert response.json()["role"] == "grid_worker"
        assert response.json()["scope_region_code"] == "500112001001001"
        signed_in = await tokens_for(anonymous, "grid_worker")
        assert signed_in["role"] == "grid_worker"
        assert signed_in["scope"] == "500112001001001"

    async def test_renaming_needs_if_match(self, anonymous: httpx.AsyncClient) -> None:
        headers = await headers_for(anonymous, "auditor")

        missing = await anonymous.patch(ME_URL, json={"display_name": "甲"}, headers=headers)
        stale = await anonymous.patch(
            ME_URL, json={"display_name": "乙"}, headers={**headers, "If-Match": 'W/"7"'}
        )

        assert_problem(missing, 428, "if_match_required")
        assert_problem(stale, 412, "version_mismatch")
        assert (await me(anonymous, headers))["display_name"] == "监督审计员"

    async def test_an_empty_display_name_is_422(self, anonymous: httpx.AsyncClient) -> None:
        headers = await headers_for(anonymous, "auditor")

        response = await anonymous.patch(
            ME_URL, json={"display_name": ""}, headers={**headers, "If-Match": 'W/"1"'}
        )

        assert_invalid(response, ["body", "display_name"], "too_short")


class TestChangePassword:
    async def test_a_person_changes_their_password(self, anonymous: httpx.AsyncClient) -> None:
        tokens = await tokens_for(anonymous, "social_worker")
        headers = bearer(tokens["access_token"])

        response = await anonymous.post(
            PASSWORD_URL,
            json={"old_password": DEMO_PASSWORD, "new_password": STRONG_PASSWORD},
            headers=headers,
        )

        assert response.status_code == 204, response.text
        assert response.content == b""
        assert_problem(await password_grant(anonymous, "social_worker"), 400, "invalid_grant")
        assert (
            await password_grant(anonymous, "social_worker", STRONG_PASSWORD)
        ).status_code == 200
        ended = await anonymous.post(REFRESH_URL, json={"refresh_token": tokens["refresh_token"]})
        assert_problem(ended, 400, "invalid_grant")

    async def test_a_wrong_old_password_is_403(self, anonymous: httpx.AsyncClient) -> None:
        headers = await headers_for(anonymous, "social_worker")

        response = await anonymous.post(
            PASSWORD_URL,
            json={"old_password": "Not-The-Password-1", "new_password": STRONG_PASSWORD},
            headers=headers,
        )

        assert_problem(response, 403, "wrong_password")
        assert (await password_grant(anonymous, "social_worker")).status_code == 200

    async def test_a_weak_new_password_is_422(self, anonymous: httpx.AsyncClient) -> None:
        headers = await headers_for(anonymous, "social_worker")
        cases = [("iloveyou1314", "password_common"), ("Ab1-xyz", "password_too_short")]
        for new_password, code in cases:
            response = await anonymous.post(
                PASSWORD_URL,
                json={"old_password": DEMO_PASSWORD, "new_password": new_password},
                headers=headers,
            )

            assert_invalid(response, ["body", "new_password"], code)
            assert new_password not in response.text
            assert DEMO_PASSWORD not in response.text
        assert (await password_grant(anonymous, "social_worker")).status_code == 200

    async def test_missing_fields_are_422(self, anonymous: httpx.AsyncClient) -> None:
        headers = await headers_for(anonymous, "social_worker")

        response = await anonymous.post(
            PASSWORD_URL, json={"new_password": STRONG_PASSWORD}, headers=headers
        )

        assert_invalid(response, ["body", "old_password"], "missing")


class TestSecurityChangesEndSessions:
    async def test_a_role_or_scope_change_stops_tokens_issued_before_it(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        """Tokens carry the role and scope, so changing either ends the old sign-ins at once."""
        old = await headers_for(anonymous, "street_officer")
        assert (await anonymous.get("/api/v1/users/me", headers=old)).status_code == 200
        officer = await user_by_name(anonymous, admin, "street_officer")

        moved = await anonymous.patch(
            f"{USERS_URL}/{officer['id']}",
            json={"scope_region_code": "500112002"},
            headers={**admin, "If-Match": f'W/"{officer["version"]}"'},
        )

        assert moved.status_code == 200, moved.text
        assert_problem(await anonymous.get("/api/v1/users/me", headers=old), 401, "unauthorized")

    async def test_a_display_name_change_keeps_tokens(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        old = await headers_for(anonymous, "street_officer")
        officer = await user_by_name(anonymous, admin, "street_officer")

        renamed = await anonymous.patch(
            f"{USERS_URL}/{officer['id']}",
            json={"display_name": "新名字"},
            headers={**admin, "If-Match": f'W/"{officer["version"]}"'},
        )

        assert renamed.status_code == 200
        assert (await anonymous.get("/api/v1/users/me", headers=old)).json()[
            "display_name"
        ] == "新名字"


class TestPasswordFloor:
    """The contract states the floor every deployment's password length keeps (issue 17); a
    deployment configured at the floor takes exactly it."""

    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"password_min_length": PASSWORD_FLOOR})

    def test_the_contract_states_the_floor(self, app: FastAPI) -> None:
        schemas = app.openapi()["components"]["schemas"]
        assert schemas["UserCreate"]["properties"]["password"]["minLength"] == PASSWORD_FLOOR
        assert schemas["PasswordChange"]["properties"]["new_password"]["minLength"] == 8

    @pytest.mark.parametrize(("password", "status"), [("Ab1-xyz", 422), ("Ab1-xyzw", 201)])
    async def test_the_server_takes_exactly_the_floor(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], password: str, status: int
    ) -> None:
        response = await anonymous.post(USERS_URL, json=new_user(password=password), headers=admin)

        if status == 201:
            assert response.status_code == 201, response.text
            assert response.json()["username"] == "new_officer"
        else:
            assert_invalid(response, ["body", "password"], "password_too_short")
