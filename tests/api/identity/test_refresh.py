"""Refresh-token rotation, reuse detection, logout and deactivation (API.md, the issue)."""

import asyncio

import httpx
import pytest

from tests.api.identity.conftest import SecondApp
from tests.api.identity.helpers import (
    LOGOUT_URL,
    PROTECTED_URL,
    REFRESH_URL,
    USERS_URL,
    bearer,
    deactivate,
    tokens_for,
    user_by_name,
)
from tests.problems import assert_invalid, assert_problem

pytestmark = pytest.mark.usefixtures("demo")


async def refresh(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post(REFRESH_URL, json={"refresh_token": token})


def assert_invalid_grant(response: httpx.Response) -> None:
    body = assert_problem(response, 400, "invalid_grant")
    assert body["error"] == "invalid_grant"
    assert body["error_description"]


class TestRotation:
    async def test_a_refresh_gives_new_tokens_and_the_chain_continues(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        first = await tokens_for(anonymous, "street_officer")

        response = await refresh(anonymous, first["refresh_token"])

        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        second = response.json()
        assert second["token_type"] == "bearer"
        assert second["expires_in"] == 900
        assert second["role"] == "street_officer"
        assert second["scope"] == "500112001"
        assert second["refresh_token"] != first["refresh_token"]
        assert second["access_token"] != first["access_token"]
        used = await anonymous.get(PROTECTED_URL, headers=bearer(second["access_token"]))
        assert used.status_code == 200
        third = await refresh(anonymous, second["refresh_token"])
        assert third.status_code == 200, third.text

    async def test_a_used_refresh_token_no_longer_works(self, anonymous: httpx.AsyncClient) -> None:
        first = await tokens_for(anonymous, "street_officer")
        assert (await refresh(anonymous, first["refresh_token"])).status_code == 200

        again = await refresh(anonymous, first["refresh_token"])

        assert_invalid_grant(again)

    async def test_reuse_revokes_the_whole_family(self, anonymous: httpx.AsyncClient) -> None:
        stolen = await tokens_for(anonymous, "street_officer")
        newest = (await refresh(anonymous, stolen["refresh_token"])).json()
        other_sign_in = await tokens_for(anonymous, "street_officer")

        assert_invalid_grant(await refresh(anonymous, stolen["refresh_token"]))

        assert_invalid_grant(await refresh(anonymous, newest["refresh_token"]))
        unaffected = await refresh(anonymous, other_sign_in["refresh_token"])
        assert unaffected.status_code == 200, "another sign-in of the same user is not revoked"

    async def test_two_concurrent_refreshes_with_one_token_let_one_win(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        tokens = await tokens_for(anonymous, "community_worker")

        responses = await asyncio.gather(
            refresh(anonymous, tokens["refresh_token"]),
            refresh(anonymous, tokens["refresh_token"]),
        )

        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 400], [r.text for r in responses]
        (winner,) = [r for r in responses if r.status_code == 200]
        assert_invalid_grant(await refresh(anonymous, winner.json()["refresh_token"]))

    @pytest.mark.parametrize(
        "token", ["0123456789-unknown-token", "x" * 200], ids=["unknown", "long-unknown"]
    )
    async def test_an_unknown_refresh_token_is_invalid_grant(
        self, anonymous: httpx.AsyncClient, token: str
    ) -> None:
        assert_invalid_grant(await refresh(anonymous, token))

    async def test_an_access_token_is_not_a_refresh_token(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        tokens = await tokens_for(anonymous, "auditor")

        response = await anonymous.post(
            REFRESH_URL, json={"refresh_token": tokens["access_token"][:200]}
        )

        assert_invalid_grant(response)

    async def test_the_body_is_validated(self, anonymous: httpx.AsyncClient) -> None:
        assert_invalid(await anonymous.post(REFRESH_URL, json={}), ["body", "refresh_token"])
        assert_invalid(
            await anonymous.post(REFRESH_URL, json={"refresh_token": "short"}),
            ["body", "refresh_token"],
            "string_too_short",
        )


class TestLogout:
    async def test_logout_revokes_the_sign_in(self, anonymous: httpx.AsyncClient) -> None:
        tokens = await tokens_for(anonymous, "social_worker")
        rotated = (await refresh(anonymous, tokens["refresh_token"])).json()
        other_sign_in = await tokens_for(anonymous, "social_worker")

        response = await anonymous.post(
            LOGOUT_URL, json={"refresh_token": rotated["refresh_token"]}
        )

        assert response.status_code == 204
        assert response.content == b""
        assert_invalid_grant(await refresh(anonymous, rotated["refresh_token"]))
        assert (await refresh(anonymous, other_sign_in["refresh_token"])).status_code == 200

    async def test_logout_of_an_unknown_token_is_204(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.post(LOGOUT_URL, json={"refresh_token": "0123456789-unknown"})

        assert response.status_code == 204

    async def test_logout_twice_is_204(self, anonymous: httpx.AsyncClient) -> None:
        tokens = await tokens_for(anonymous, "auditor")
        body = {"refresh_token": tokens["refresh_token"]}

        assert (await anonymous.post(LOGOUT_URL, json=body)).status_code == 204
        assert (await anonymous.post(LOGOUT_URL, json=body)).status_code == 204


class TestDeactivation:
    async def test_deactivation_stops_refresh_and_access_at_once(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], second_app: SecondApp
    ) -> None:
        tokens = await tokens_for(anonymous, "street_officer")
        access = bearer(tokens["access_token"])
        officer = await user_by_name(anonymous, admin, "street_officer")
        async with second_app(principal_recheck_seconds=0) as other:
            assert (await anonymous.get(PROTECTED_URL, headers=access)).status_code == 200
            assert (await other.get(PROTECTED_URL, headers=access)).status_code == 200

            response = await deactivate(anonymous, admin, officer["id"])

            assert response.status_code == 200, response.text
            assert response.json()["active"] is False
            assert_invalid_grant(await refresh(anonymous, tokens["refresh_token"]))
            assert_problem(await anonymous.get(PROTECTED_URL, headers=access), 401, "unauthorized")
            assert_problem(await other.get(PROTECTED_URL, headers=access), 401, "unauthorized")

    async def test_reactivation_allows_a_new_sign_in_but_not_the_old_tokens(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        tokens = await tokens_for(anonymous, "grid_worker")
        worker = await user_by_name(anonymous, admin, "grid_worker")
        off = await deactivate(anonymous, admin, worker["id"])

        on = await anonymous.patch(
            f"{USERS_URL}/{worker['id']}",
            json={"active": True},
            headers={**admin, "If-Match": off.headers["etag"]},
        )

        assert on.status_code == 200, on.text
        assert_invalid_grant(await refresh(anonymous, tokens["refresh_token"]))
        fresh = await tokens_for(anonymous, "grid_worker")
        assert (await refresh(anonymous, fresh["refresh_token"])).status_code == 200
