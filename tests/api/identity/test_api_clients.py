"""/api/v1/api-clients: admins create partner clients; the secret is shown once."""

import base64
from typing import Any

import httpx
import pytest
from jose import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.core.idempotency import IdempotencyRecord
from app.identity.models import ApiClient
from app.organizations.models import Organization
from tests.api.identity.helpers import (
    CLIENTS_URL,
    PROTECTED_URL,
    TOKEN_URL,
    basic,
    bearer,
    client_token,
    headers_for,
)
from tests.factories import create_organization
from tests.problems import assert_invalid, assert_problem

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
async def organization(session: AsyncSession) -> Organization:
    return await create_organization(session, kind="housing", name="渝北区住房保障中心")


def new_client(organization: Organization, **changes: Any) -> dict[str, Any]:
    return {
        "client_id": "housing-system",
        "name": "住房保障系统",
        "organization_id": str(organization.id),
        **changes,
    }


async def create(
    http: httpx.AsyncClient, admin: dict[str, str], organization: Organization
) -> dict[str, Any]:
    response = await http.post(CLIENTS_URL, json=new_client(organization), headers=admin)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def client_grant(http: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await http.post(
        TOKEN_URL, data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
    )


class TestCreateClient:
    async def test_the_secret_is_shown_once_and_works(
        self,
        anonymous: httpx.AsyncClient,
        admin: dict[str, str],
        organization: Organization,
        database: Database,
    ) -> None:
        response = await anonymous.post(CLIENTS_URL, json=new_client(organization), headers=admin)

        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == {
            "id",
            "client_id",
            "name",
            "organization_id",
            "active",
            "version",
            "client_secret",
        }
        assert body["client_id"] == "housing-system"
        assert body["name"] == "住房保障系统"
        assert body["organization_id"] == str(organization.id)
        assert body["active"] is True
        secret = body["client_secret"]
        assert len(secret) >= 32
        assert response.headers["location"] == f"/api/v1/api-clients/{body['id']}"

        listed = await anonymous.get(CLIENTS_URL, headers=admin)
        assert listed.status_code == 200
        assert secret not in listed.text
        (record,) = [c for c in listed.json()["items"] if c["client_id"] == "housing-system"]
        assert record == {k: v for k, v in body.items() if k != "client_secret"}

        async with database.sessionmaker() as reading:
            stored = (
                await reading.execute(
                    select(ApiClient.secret_hash).where(ApiClient.client_id == "housing-system")
                )
            ).scalar_one()
        assert secret not in stored

        granted = await client_grant(anonymous, "housing-system", secret)
        assert granted.status_code == 200, granted.text
        claims = jwt.get_unverified_claims(granted.json()["access_token"])
        assert claims["sub"] == body["id"]
        assert claims["org"] == str(organization.id)
        assert claims["role"] == "partner"

    async def test_every_client_gets_its_own_secret(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        first = await create(anonymous, admin, organization)
        second = await anonymous.post(
            CLIENTS_URL, json=new_client(organization, client_id="housing-two"), headers=admin
        )

        assert second.status_code == 201, second.text
        assert second.json()["client_secret"] != first["client_secret"]
        assert_problem(
            await client_grant(anonymous, "housing-two", first["client_secret"]),
            401,
            "invalid_client",
        )

    async def test_the_list_is_ordered_by_client_id(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        await create(anonymous, admin, organization)

        first = await anonymous.get(CLIENTS_URL, params={"limit": 2}, headers=admin)
        rest = await anonymous.get(
            CLIENTS_URL, params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=admin
        )

        assert [c["client_id"] for c in first.json()["items"]] == [
            "charity-federation",
            "housing-system",
        ]
        assert [c["client_id"] for c in rest.json()["items"]] == ["red-cross"]
        assert rest.json()["next_cursor"] is None

    async def test_a_duplicate_client_id_is_409(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        response = await anonymous.post(
            CLIENTS_URL, json=new_client(organization, client_id="red-cross"), headers=admin
        )

        assert_problem(response, 409, "integrity_conflict")

    async def test_an_unknown_organization_is_404(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        body = new_client(organization, organization_id="01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11")

        response = await anonymous.post(CLIENTS_URL, json=body, headers=admin)

        assert_problem(response, 404, "not_found")

    async def test_malformed_bodies_are_422(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        cases: list[tuple[dict[str, Any], str]] = [
            ({"client_id": "Housing"}, "client_id"),
            ({"client_id": "h"}, "client_id"),
            ({"name": ""}, "name"),
            ({"organization_id": "not-a-uuid"}, "organization_id"),
        ]
        for changes, field in cases:
            response = await anonymous.post(
                CLIENTS_URL, json=new_client(organization, **changes), headers=admin
            )

            assert_invalid(response, ["body", field])


class TestIdempotentCreation:
    async def test_a_replay_does_not_show_or_keep_the_secret(
        self,
        anonymous: httpx.AsyncClient,
        admin: dict[str, str],
        organization: Organization,
        database: Database,
    ) -> None:
        """The secret is shown once and stored only hashed, also when Idempotency-Key is used."""
        headers = {**admin, "Idempotency-Key": "create-housing-client"}
        body = new_client(organization)

        first = await anonymous.post(CLIENTS_URL, json=body, headers=headers)
        second = await anonymous.post(CLIENTS_URL, json=body, headers=headers)

        assert first.status_code == 201, first.text
        secret = first.json()["client_secret"]
        assert secret not in second.text
        async with database.sessionmaker() as reading:
            stored = (await reading.execute(select(IdempotencyRecord.response_body))).scalars()
            bodies = [base64.b64decode(b).decode() for b in stored if b]
        assert all(secret not in b for b in bodies)


class TestDeactivateClient:
    async def test_deactivation_stops_new_and_issued_tokens(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        created = await create(anonymous, admin, organization)
        issued = bearer(await client_token(anonymous, "housing-system", created["client_secret"]))
        assert (await anonymous.get(PROTECTED_URL, headers=issued)).status_code == 200

        response = await anonymous.patch(
            f"{CLIENTS_URL}/{created['id']}",
            json={"active": False},
            headers={**admin, "If-Match": 'W/"1"'},
        )

        assert response.status_code == 200, response.text
        assert response.json() == {
            k: v
            for k, v in {**created, "active": False, "version": 2}.items()
            if k != "client_secret"
        }
        assert response.headers["etag"] == 'W/"2"'
        assert_problem(
            await client_grant(anonymous, "housing-system", created["client_secret"]),
            401,
            "invalid_client",
        )
        assert_problem(await anonymous.get(PROTECTED_URL, headers=issued), 401, "unauthorized")

    async def test_reactivation_lets_the_client_in_again(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        created = await create(anonymous, admin, organization)
        url = f"{CLIENTS_URL}/{created['id']}"
        off = await anonymous.patch(
            url, json={"active": False}, headers={**admin, "If-Match": 'W/"1"'}
        )

        response = await anonymous.patch(
            url, json={"active": True}, headers={**admin, "If-Match": off.headers["etag"]}
        )

        assert response.status_code == 200
        assert response.json()["active"] is True
        granted = await client_grant(anonymous, "housing-system", created["client_secret"])
        assert granted.status_code == 200

    async def test_an_unknown_client_is_404(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.patch(
            f"{CLIENTS_URL}/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
            json={"active": False},
            headers={**admin, "If-Match": 'W/"1"'},
        )

        assert_problem(response, 404, "not_found")

    async def test_active_is_required(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        created = await create(anonymous, admin, organization)

        response = await anonymous.patch(
            f"{CLIENTS_URL}/{created['id']}", json={}, headers={**admin, "If-Match": 'W/"1"'}
        )

        assert_invalid(response, ["body", "active"], "missing")

    async def test_without_if_match_is_428_and_stale_is_412(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        created = await create(anonymous, admin, organization)
        url = f"{CLIENTS_URL}/{created['id']}"

        missing = await anonymous.patch(url, json={"active": False}, headers=admin)
        stale = await anonymous.patch(
            url, json={"active": False}, headers={**admin, "If-Match": 'W/"7"'}
        )

        assert_problem(missing, 428, "if_match_required")
        assert_problem(stale, 412, "version_mismatch")


class TestClientsNeedAnAdmin:
    async def test_other_roles_get_403(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], organization: Organization
    ) -> None:
        created = await create(anonymous, admin, organization)
        for username in ("district_officer", "auditor", "department_officer"):
            headers = await headers_for(anonymous, username)

            responses = [
                await anonymous.get(CLIENTS_URL, headers=headers),
                await anonymous.post(
                    CLIENTS_URL,
                    json=new_client(organization, client_id="other-one"),
                    headers=headers,
                ),
                await anonymous.patch(
                    f"{CLIENTS_URL}/{created['id']}", json={"active": False}, headers=headers
                ),
            ]

            for response in responses:
                assert_problem(response, 403, "forbidden")
                assert created["client_secret"] not in response.text

    async def test_a_partner_client_gets_403(self, anonymous: httpx.AsyncClient) -> None:
        headers = bearer(await client_token(anonymous))

        assert_problem(await anonymous.get(CLIENTS_URL, headers=headers), 403, "forbidden")

    async def test_anonymous_gets_401(self, anonymous: httpx.AsyncClient) -> None:
        assert_problem(await anonymous.get(CLIENTS_URL), 401, "unauthorized")
