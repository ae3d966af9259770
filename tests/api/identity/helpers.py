"""Signing in through the real token endpoint, and small helpers for identity tests."""

import base64
import json
import uuid
from typing import Any

import httpx

from tests.factories import DEMO_PASSWORD

TOKEN_URL = "/api/v1/auth/token"
REFRESH_URL = "/api/v1/auth/refresh"
LOGOUT_URL = "/api/v1/auth/logout"
USERS_URL = "/api/v1/users"
ME_URL = "/api/v1/users/me"
CLIENTS_URL = "/api/v1/api-clients"
LOCKS_URL = "/api/v1/login-locks"
AUDIT_URL = "/api/v1/audit-events"
PROTECTED_URL = "/api/v1/regions"

STRONG_PASSWORD = "Kite-Lantern-Orchid-48"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def password_grant(
    http: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD
) -> httpx.Response:
    return await http.post(
        TOKEN_URL, data={"grant_type": "password", "username": username, "password": password}
    )


async def tokens_for(
    http: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD
) -> dict[str, Any]:
    """The token response body of a successful password grant."""
    response = await password_grant(http, username, password)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def headers_for(
    http: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD
) -> dict[str, str]:
    return bearer((await tokens_for(http, username, password))["access_token"])


async def client_token(
    http: httpx.AsyncClient, client_id: str = "red-cross", secret: str = DEMO_PASSWORD
) -> str:
    response = await http.post(
        TOKEN_URL, data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def me(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await http.get(ME_URL, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def user_by_name(
    http: httpx.AsyncClient, admin: dict[str, str], username: str
) -> dict[str, Any]:
    """A user record, looked up by an admin through the list endpoint."""
    response = await http.get(USERS_URL, params={"limit": 200}, headers=admin)
    assert response.status_code == 200, response.text
    matches = [u for u in response.json()["items"] if u["username"] == username]
    assert len(matches) == 1, username
    found: dict[str, Any] = matches[0]
    return found


async def deactivate(
    http: httpx.AsyncClient, admin: dict[str, str], user_id: str | uuid.UUID
) -> httpx.Response:
    current = await http.get(f"{USERS_URL}/{user_id}", headers=admin)
    assert current.status_code == 200, current.text
    return await http.patch(
        f"{USERS_URL}/{user_id}",
        json={"active": False},
        headers={**admin, "If-Match": current.headers["etag"]},
    )


def without_request_id(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "request_id"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
