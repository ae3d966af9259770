"""POST /api/v1/auth/token: password and client_credentials grants (RFC 6749, API.md)."""

import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from jose import jwt

from app.core.config import Settings
from tests.api.identity.helpers import (
    CLIENTS_URL,
    PROTECTED_URL,
    TOKEN_URL,
    basic,
    bearer,
    deactivate,
    me,
    password_grant,
    user_by_name,
    without_request_id,
)
from tests.factories import DEMO_PASSWORD
from tests.problems import assert_problem

pytestmark = pytest.mark.usefixtures("demo")


def assert_oauth_error(response: httpx.Response, status: int, error: str) -> dict[str, object]:
    """RFC 6749 5.2 members on top of a complete problem."""
    body = assert_problem(response, status, error)
    assert body["error"] == error
    assert isinstance(body["error_description"], str)
    assert body["error_description"]
    assert response.headers["cache-control"] == "no-store"
    return body


class TestPasswordGrant:
    async def test_a_person_gets_an_access_and_a_refresh_token(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings
    ) -> None:
        before = int(time.time())

        response = await password_grant(anonymous, "street_officer")

        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["pragma"] == "no-cache"
        body = response.json()
        assert set(body) == {
            "access_token",
            "token_type",
            "expires_in",
            "refresh_token",
            "role",
            "scope",
        }
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 900
        assert body["role"] == "street_officer"
        assert body["scope"] == "500112001"
        assert len(body["access_token"].split(".")) == 3
        assert len(body["refresh_token"]) >= 40
        assert "." not in body["refresh_token"], "refresh tokens are opaque, not JWTs"

        header = jwt.get_unverified_header(body["access_token"])
        assert header["alg"] == "ES256"
        assert header["kid"] == app.state.services.key_ring.signing.kid
        claims = jwt.get_unverified_claims(body["access_token"])
        myself = await me(anonymous, bearer(body["access_token"]))
        assert claims["sub"] == myself["id"]
        assert claims["iss"] == settings.jwt_issuer
        assert claims["aud"] == settings.jwt_audience
        assert claims["typ"] == "access"
        assert claims["role"] == "street_officer"
        assert claims["scope"] == "500112001"
        assert claims["nbf"] == claims["iat"]
        assert before - 5 <= claims["iat"] <= int(time.time()) + 5
        assert claims["exp"] - claims["iat"] == 900
        assert len(claims["jti"]) >= 16

    async def test_every_token_has_its_own_jti(self, anonymous: httpx.AsyncClient) -> None:
        first = (await password_grant(anonymous, "auditor")).json()["access_token"]
        second = (await password_grant(anonymous, "auditor")).json()["access_token"]

        assert jwt.get_unverified_claims(first)["jti"] != jwt.get_unverified_claims(second)["jti"]

    async def test_the_published_jwks_verifies_the_token(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        token = (await password_grant(anonymous, "auditor")).json()["access_token"]

        jwks = (await anonymous.get("/api/v1/auth/jwks")).json()

        kid = jwt.get_unverified_header(token)["kid"]
        (key,) = [k for k in jwks["keys"] if k["kid"] == kid]
        assert "d" not in key, "the JWKS must publish public keys only"
        claims = jwt.decode(
            token,
            key,
            algorithms=["ES256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
        )
        assert claims["role"] == "auditor"

    async def test_the_token_works_on_a_protected_endpoint(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        token = (await password_grant(anonymous, "community_worker")).json()["access_token"]

        response = await anonymous.get(PROTECTED_URL, headers=bearer(token))

        assert response.status_code == 200, response.text

    async def test_wrong_password_and_unknown_user_look_the_same(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        wrong = await password_grant(anonymous, "street_officer", "Not-The-Password-1")
        unknown = await password_grant(anonymous, "nobody_here", "Not-The-Password-1")

        wrong_body = assert_oauth_error(wrong, 400, "invalid_grant")
        unknown_body = assert_oauth_error(unknown, 400, "invalid_grant")
        assert without_request_id(wrong_body) == without_request_id(unknown_body)
        assert wrong.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")

    async def test_errors_follow_accept_language(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.post(
            TOKEN_URL,
            data={"grant_type": "password", "username": "admin", "password": "x"},
            headers={"Accept-Language": "en"},
        )

        body = assert_oauth_error(response, 400, "invalid_grant")
        assert body["title"] == "Invalid grant"

    async def test_an_inactive_user_cannot_sign_in(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        officer = await user_by_name(anonymous, admin, "street_officer")
        assert (await deactivate(anonymous, admin, officer["id"])).status_code == 200
        wrong = await password_grant(anonymous, "admin", "Not-The-Password-1")

        response = await password_grant(anonymous, "street_officer")

        body = assert_oauth_error(response, 400, "invalid_grant")
        assert without_request_id(body) == without_request_id(wrong.json())

    async def test_missing_credentials_are_an_invalid_request(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        forms = [
            {"grant_type": "password", "username": "admin"},
            {"grant_type": "password", "password": DEMO_PASSWORD},
            {"grant_type": "password", "username": "", "password": DEMO_PASSWORD},
        ]
        for form in forms:
            response = await anonymous.post(TOKEN_URL, data=form)

            assert_oauth_error(response, 400, "invalid_request")

    async def test_missing_grant_type_is_an_invalid_request(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        """RFC 6749 5.2: a missing required parameter is 400 `invalid_request`."""
        response = await anonymous.post(
            TOKEN_URL, data={"username": "admin", "password": DEMO_PASSWORD}
        )

        assert_oauth_error(response, 400, "invalid_request")

    async def test_other_grants_are_unsupported(self, anonymous: httpx.AsyncClient) -> None:
        for grant in ("authorization_code", "refresh_token", "implicit"):
            response = await anonymous.post(
                TOKEN_URL,
                data={"grant_type": grant, "username": "admin", "password": DEMO_PASSWORD},
            )

            assert_oauth_error(response, 400, "unsupported_grant_type")


class TestSwaggerAuthorize:
    """Swagger UI's Authorize dialog: the contract declares the OAuth2 password flow, and the
    token endpoint takes the form Swagger UI posts (an empty `scope`, and an empty
    `Authorization: Basic` for the client id nobody filled in)."""

    async def test_the_contract_declares_the_password_flow(self, document: dict[str, Any]) -> None:
        schemes = document["components"]["securitySchemes"]
        assert schemes == {
            "OAuth2Password": {
                "type": "oauth2",
                "description": schemes["OAuth2Password"]["description"],
                "flows": {"password": {"scopes": {}, "tokenUrl": "/api/v1/auth/token"}},
            }
        }
        users = document["paths"]["/api/v1/users"]["get"]
        assert users["security"] == [{"OAuth2Password": []}]

    async def test_the_form_swagger_ui_sends_signs_in(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.post(
            TOKEN_URL,
            data={
                "grant_type": "password",
                "username": "street_officer",
                "password": DEMO_PASSWORD,
                "scope": "",
            },
            headers={"Authorization": "Basic Og=="},
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "bearer"
        myself = await me(anonymous, bearer(body["access_token"]))
        assert myself["username"] == "street_officer"


class TestClientCredentials:
    async def _client_record(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], client_id: str
    ) -> dict[str, str]:
        listed = await anonymous.get(CLIENTS_URL, headers=admin)
        (record,) = [c for c in listed.json()["items"] if c["client_id"] == client_id]
        return dict(record)

    async def test_http_basic_authentication(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers=basic("red-cross", DEMO_PASSWORD),
        )

        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 900
        assert body["refresh_token"] is None
        assert body["role"] == "partner"
        assert body["scope"] is None
        record = await self._client_record(anonymous, admin, "red-cross")
        claims = jwt.get_unverified_claims(body["access_token"])
        assert claims["sub"] == record["id"]
        assert claims["role"] == "partner"
        assert claims["typ"] == "access"
        assert claims["org"] == record["organization_id"]
        assert jwt.get_unverified_header(body["access_token"])["alg"] == "ES256"
        protected = await anonymous.get(PROTECTED_URL, headers=bearer(body["access_token"]))
        assert protected.status_code == 200

    async def test_form_field_authentication(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.post(
            TOKEN_URL,
            data={
                "grant_type": "client_credentials",
                "client_id": "charity-federation",
                "client_secret": DEMO_PASSWORD,
            },
        )

        assert response.status_code == 200, response.text
        assert response.json()["role"] == "partner"

    async def test_failed_client_authentication_is_invalid_client(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        form = {"grant_type": "client_credentials"}
        attempts: list[tuple[dict[str, str], dict[str, str]]] = [
            (form, basic("red-cross", "wrong-secret")),
            (form | {"client_id": "red-cross", "client_secret": "wrong-secret"}, {}),
            (form, basic("no-such-client", DEMO_PASSWORD)),
            (form | {"client_id": "no-such-client", "client_secret": DEMO_PASSWORD}, {}),
            (form, {}),
        ]
        for data, headers in attempts:
            response = await anonymous.post(TOKEN_URL, data=data, headers=headers)

            body = assert_oauth_error(response, 401, "invalid_client")
            assert response.headers["www-authenticate"].startswith("Basic")
            assert DEMO_PASSWORD not in response.text
            assert "access_token" not in body

    async def test_malformed_basic_header_is_invalid_client(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": "Basic not*base64"},
        )

        assert_oauth_error(response, 401, "invalid_client")

    async def test_a_deactivated_client_cannot_get_a_token(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        record = await self._client_record(anonymous, admin, "red-cross")
        off = await anonymous.patch(
            f"{CLIENTS_URL}/{record['id']}",
            json={"active": False},
            headers={**admin, "If-Match": f'W/"{record["version"]}"'},
        )
        assert off.status_code == 200, off.text

        response = await anonymous.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers=basic("red-cross", DEMO_PASSWORD),
        )

        assert_oauth_error(response, 401, "invalid_client")
        other = await anonymous.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers=basic("charity-federation", DEMO_PASSWORD),
        )
        assert other.status_code == 200, "only the deactivated client is refused"

    async def test_a_client_cannot_use_the_password_grant(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        response = await password_grant(anonymous, "red-cross")

        assert_oauth_error(response, 400, "invalid_grant")

    async def test_a_user_cannot_use_the_client_grant(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers=basic("admin", DEMO_PASSWORD),
        )

        assert_oauth_error(response, 401, "invalid_client")
