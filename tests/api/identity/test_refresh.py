"""Refresh-token rotation, reuse detection, logout and deactivation (API.md, the issue)."""

import asyncio
import json
import shutil
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import hash_opaque_token, new_opaque_token
from app.identity.models import RefreshToken
from tests.api.identity.conftest import SecondApp
from tests.api.identity.helpers import (
    LOGOUT_URL,
    PROTECTED_URL,
    REFRESH_URL,
    USERS_URL,
    b64url_decode,
    bearer,
    client_token,
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
            "too_short",
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


def sign_in_of(access_token: str) -> str:
    """The `sid` claim of an access token: the sign-in (refresh-token family) it belongs to."""
    claims = json.loads(b64url_decode(access_token.split(".")[1]))
    return str(claims["sid"])


def copy_sqlite(source: Path, target: Path) -> None:
    """A snapshot of an SQLite database, its write-ahead log included."""
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


class TestLogoutEndsAccessTokens:
    """Signing out ends the sign-in's access tokens, not only its refresh tokens (the issue, 12)."""

    async def test_in_the_process_that_signed_out_at_once(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        assert settings.principal_recheck_seconds >= 60, "no re-check would happen in this test"
        first = await tokens_for(anonymous, "street_officer")
        rotated = (await refresh(anonymous, first["refresh_token"])).json()
        other_sign_in = await tokens_for(anonymous, "street_officer")
        for tokens in (first, rotated, other_sign_in):
            used = await anonymous.get(PROTECTED_URL, headers=bearer(tokens["access_token"]))
            assert used.status_code == 200, used.text

        response = await anonymous.post(
            LOGOUT_URL, json={"refresh_token": rotated["refresh_token"]}
        )

        assert response.status_code == 204
        for tokens in (first, rotated):
            refused = await anonymous.get(PROTECTED_URL, headers=bearer(tokens["access_token"]))
            assert_problem(refused, 401, "unauthorized")
            assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        kept = await anonymous.get(PROTECTED_URL, headers=bearer(other_sign_in["access_token"]))
        assert kept.status_code == 200, "another sign-in of the same user goes on"

    async def test_in_other_processes_at_their_next_re_check(
        self, anonymous: httpx.AsyncClient, second_app: SecondApp
    ) -> None:
        tokens = await tokens_for(anonymous, "street_officer")
        access = bearer(tokens["access_token"])
        async with second_app(principal_recheck_seconds=0) as other:
            assert (await other.get(PROTECTED_URL, headers=access)).status_code == 200

            await anonymous.post(LOGOUT_URL, json={"refresh_token": tokens["refresh_token"]})

            assert_problem(await other.get(PROTECTED_URL, headers=access), 401, "unauthorized")

    async def test_a_lagging_read_replica_does_not_delay_it(
        self,
        anonymous: httpx.AsyncClient,
        second_app: SecondApp,
        database_url: str,
        is_postgres: bool,
        tmp_path: Path,
    ) -> None:
        """Sign-ins and principals are checked on the primary, never on a replica."""
        if is_postgres:
            pytest.skip("the lagging replica is a copy of the SQLite file")
        tokens = await tokens_for(anonymous, "street_officer")
        access = bearer(tokens["access_token"])
        replica = tmp_path / "replica.db"
        copy_sqlite(Path(database_url.removeprefix("sqlite+aiosqlite:///")), replica)
        async with second_app(read_database_url=f"sqlite+aiosqlite:///{replica}") as http:
            assert (await http.get(PROTECTED_URL, headers=access)).status_code == 200

            await http.post(LOGOUT_URL, json={"refresh_token": tokens["refresh_token"]})

            assert_problem(await http.get(PROTECTED_URL, headers=access), 401, "unauthorized")

    async def test_a_refresh_token_used_twice_ends_the_access_tokens_too(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        stolen = await tokens_for(anonymous, "community_worker")
        newest = (await refresh(anonymous, stolen["refresh_token"])).json()
        assert (
            await anonymous.get(PROTECTED_URL, headers=bearer(newest["access_token"]))
        ).status_code == 200

        assert_invalid_grant(await refresh(anonymous, stolen["refresh_token"]))

        for tokens in (stolen, newest):
            refused = await anonymous.get(PROTECTED_URL, headers=bearer(tokens["access_token"]))
            assert_problem(refused, 401, "unauthorized")

    async def test_access_tokens_name_their_sign_in_and_partner_tokens_none(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        first = await tokens_for(anonymous, "auditor")
        rotated = (await refresh(anonymous, first["refresh_token"])).json()
        other = await tokens_for(anonymous, "auditor")
        partner = await client_token(anonymous)

        assert sign_in_of(first["access_token"]) == sign_in_of(rotated["access_token"])
        assert sign_in_of(first["access_token"]) != sign_in_of(other["access_token"])
        uuid.UUID(sign_in_of(first["access_token"]))
        assert json.loads(b64url_decode(partner.split(".")[1]))["sid"] is None

    async def test_a_token_added_to_a_signed_out_family_is_refused(
        self, anonymous: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        """A rotation racing the logout may add a token after the revocation: the family
        is over all the same."""
        tokens = await tokens_for(anonymous, "auditor")
        await anonymous.post(LOGOUT_URL, json={"refresh_token": tokens["refresh_token"]})
        late = new_opaque_token()
        family = uuid.UUID(sign_in_of(tokens["access_token"]))
        signed_out = (
            await session.execute(select(RefreshToken).where(RefreshToken.family_id == family))
        ).scalar_one()
        session.add(
            RefreshToken(
                token_hash=hash_opaque_token(late),
                family_id=family,
                user_id=signed_out.user_id,
                expires_at=signed_out.expires_at,
            )
        )
        await session.commit()

        assert_invalid_grant(await refresh(anonymous, late))


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
