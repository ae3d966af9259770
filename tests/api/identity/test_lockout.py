"""Brute-force defence: failed sign-ins slow down, then lock an account or an address."""

import asyncio
import time
from datetime import datetime, timedelta

import httpx
import pytest

from app.core.config import Settings
from app.core.db import utcnow
from app.demo.identity import DEMO_USERS
from tests.api.identity.conftest import SecondApp
from tests.api.identity.helpers import (
    LOCKS_URL,
    headers_for,
    password_grant,
    without_request_id,
)
from tests.factories import DEMO_PASSWORD
from tests.problems import assert_problem

pytestmark = pytest.mark.usefixtures("demo")
WRONG = "Not-The-Password-1"


async def fail(http: httpx.AsyncClient, username: str, times: int) -> list[httpx.Response]:
    responses = [await password_grant(http, username, WRONG) for _ in range(times)]
    for response in responses:
        assert_problem(response, 400, "invalid_grant")
    return responses


class TestAccountLock:
    async def test_after_the_limit_even_the_right_password_is_refused(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        await fail(anonymous, "street_officer", settings.login_lock_after)

        response = await password_grant(anonymous, "street_officer", DEMO_PASSWORD)

        body = assert_problem(response, 400, "invalid_grant")
        assert body["error"] == "invalid_grant"
        assert "access_token" not in body
        other = await password_grant(anonymous, "street_officer_2", DEMO_PASSWORD)
        assert other.status_code == 200, "only the attacked account is locked"

    async def test_below_the_limit_the_right_password_works(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        await fail(anonymous, "street_officer", settings.login_lock_after - 1)

        response = await password_grant(anonymous, "street_officer", DEMO_PASSWORD)

        assert response.status_code == 200, response.text

    async def test_a_success_resets_the_count(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        await fail(anonymous, "street_officer", settings.login_lock_after - 1)
        assert (await password_grant(anonymous, "street_officer")).status_code == 200
        await fail(anonymous, "street_officer", settings.login_lock_after - 1)

        response = await password_grant(anonymous, "street_officer")

        assert response.status_code == 200, response.text

    async def test_usernames_are_counted_case_insensitively(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        for index in range(settings.login_lock_after):
            name = "Street_Officer" if index % 2 else "STREET_OFFICER"
            await fail(anonymous, name, 1)

        response = await password_grant(anonymous, "street_officer")

        assert_problem(response, 400, "invalid_grant")

    async def test_an_unknown_username_is_locked_indistinguishably(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        real = await fail(anonymous, "street_officer", settings.login_lock_after + 1)
        ghost = await fail(anonymous, "ghost_officer", settings.login_lock_after + 1)

        for real_answer, ghost_answer in zip(real, ghost, strict=True):
            assert without_request_id(real_answer.json()) == without_request_id(ghost_answer.json())
            assert real_answer.headers.get("www-authenticate") == ghost_answer.headers.get(
                "www-authenticate"
            )
        locked_real = await password_grant(anonymous, "street_officer", DEMO_PASSWORD)
        locked_ghost = await password_grant(anonymous, "ghost_officer", DEMO_PASSWORD)
        assert without_request_id(locked_real.json()) == without_request_id(locked_ghost.json())


class TestParallelGuesses:
    async def test_a_burst_of_parallel_guesses_gets_no_more_checks_than_the_limit(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        """Failures are counted atomically after the check, and one counted past the limit is
        answered as a lock, so no more than the limit of guesses get a true answer."""
        burst = await asyncio.gather(
            *(password_grant(anonymous, "street_officer", WRONG) for _ in range(15))
        )
        descriptions = [assert_problem(r, 400, "invalid_grant")["error_description"] for r in burst]
        checked = descriptions.count("wrong username or password")
        assert checked <= settings.login_lock_after
        assert descriptions.count("too many failed attempts; try again later") == 15 - checked
        right = await password_grant(anonymous, "street_officer", DEMO_PASSWORD)
        assert_problem(right, 400, "invalid_grant")

    async def test_parallel_guesses_across_accounts_get_no_more_than_the_address_limit(
        self, second_app: SecondApp
    ) -> None:
        async with second_app(login_lock_after=5, login_address_lock_after=6) as http:
            burst = await asyncio.gather(
                *(password_grant(http, f"ghost_{index}", WRONG) for index in range(15))
            )
            right = await password_grant(http, "admin", DEMO_PASSWORD)

        descriptions = [assert_problem(r, 400, "invalid_grant")["error_description"] for r in burst]
        assert descriptions.count("wrong username or password") <= 6
        assert descriptions.count("too many failed attempts; try again later") >= 9
        assert assert_problem(right, 400, "invalid_grant")["error_description"] == (
            "too many failed attempts; try again later"
        )


class TestOneAddressManyPeople:
    """An office behind one NAT: its people's correct sign-ins never lock it (the issue, 14)."""

    async def test_a_burst_of_parallel_correct_sign_ins_all_succeed(
        self, second_app: SecondApp, admin: dict[str, str]
    ) -> None:
        """More correct sign-ins at once than the address limit (and than the old default
        of 20), three per account: only failures count, never attempts in flight."""
        usernames = [username for username, *_ in DEMO_USERS] * 3
        async with second_app(login_lock_after=2, login_address_lock_after=2) as http:
            burst = await asyncio.gather(*(password_grant(http, name) for name in usernames))
            listed = await http.get(LOCKS_URL, headers=admin)

        assert len(burst) > 20
        assert [r.status_code for r in burst] == [200] * len(burst), [r.text for r in burst]
        assert listed.json() == {"items": [], "next_cursor": None}

    async def test_typing_mistakes_are_forgiven_by_the_sign_in_that_follows(
        self, second_app: SecondApp, admin: dict[str, str]
    ) -> None:
        """Each person's failures are taken back from the address once they sign in."""
        people = ["street_officer", "street_officer_2", "community_worker", "grid_worker"]
        async with second_app(login_lock_after=5, login_address_lock_after=5) as http:
            for username in people:
                await fail(http, username, 2)
                signed_in = await password_grant(http, username)
                assert signed_in.status_code == 200, signed_in.text
            listed = await http.get(LOCKS_URL, headers=admin)
            last = await password_grant(http, "auditor")

        assert listed.json() == {"items": [], "next_cursor": None}
        assert last.status_code == 200, last.text

    def test_an_address_is_a_higher_class_than_an_account(self, settings: Settings) -> None:
        assert settings.login_address_lock_after >= 5 * settings.login_lock_after
        assert settings.login_address_slowdown_after > settings.login_slowdown_after


class TestLockAdministration:
    async def test_admins_see_and_lift_locks(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], settings: Settings
    ) -> None:
        before = utcnow()
        await fail(anonymous, "street_officer", settings.login_lock_after)

        listed = await anonymous.get(LOCKS_URL, headers=admin)

        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert [lock["subject"] for lock in body["items"]] == ["account:street_officer"]
        assert body["next_cursor"] is None
        lock = body["items"][0]
        assert lock["failures"] == settings.login_lock_after
        locked_until = lock["locked_until"]
        assert locked_until.endswith("Z") or locked_until.endswith("+00:00")
        expected = before + timedelta(minutes=settings.login_lock_minutes)
        until = datetime.fromisoformat(locked_until.replace("Z", "+00:00"))
        assert expected <= until <= expected + timedelta(minutes=1)

        lifted = await anonymous.delete(f"{LOCKS_URL}/account:street_officer", headers=admin)

        assert lifted.status_code == 204
        assert lifted.content == b""
        assert (await password_grant(anonymous, "street_officer")).status_code == 200
        after = await anonymous.get(LOCKS_URL, headers=admin)
        assert after.json() == {"items": [], "next_cursor": None}

    async def test_lifting_a_lock_that_does_not_exist_is_404(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        response = await anonymous.delete(f"{LOCKS_URL}/account:nobody", headers=admin)

        assert_problem(response, 404, "not_found")

    async def test_the_lock_list_pages(
        self, anonymous: httpx.AsyncClient, admin: dict[str, str], settings: Settings
    ) -> None:
        for name in ("ghost_a", "ghost_b", "ghost_c"):
            await fail(anonymous, name, settings.login_lock_after)

        first = await anonymous.get(LOCKS_URL, params={"limit": 2}, headers=admin)
        second = await anonymous.get(
            LOCKS_URL, params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=admin
        )

        assert [x["subject"] for x in first.json()["items"]] == [
            "account:ghost_a",
            "account:ghost_b",
        ]
        assert [x["subject"] for x in second.json()["items"]] == ["account:ghost_c"]
        assert second.json()["next_cursor"] is None

    async def test_other_roles_get_403(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        await fail(anonymous, "grid_worker", settings.login_lock_after)
        for username in ("street_officer", "district_officer", "auditor"):
            headers = await headers_for(anonymous, username)

            listed = await anonymous.get(LOCKS_URL, headers=headers)
            lifted = await anonymous.delete(f"{LOCKS_URL}/account:grid_worker", headers=headers)

            assert_problem(listed, 403, "forbidden")
            assert_problem(lifted, 403, "forbidden")
        assert_problem(await password_grant(anonymous, "grid_worker"), 400, "invalid_grant")

    async def test_anonymous_gets_401(self, anonymous: httpx.AsyncClient) -> None:
        assert_problem(await anonymous.get(LOCKS_URL), 401, "unauthorized")
        assert_problem(await anonymous.delete(f"{LOCKS_URL}/account:admin"), 401, "unauthorized")


class TestAddressLockAndSlowdown:
    async def test_many_failures_from_one_address_lock_that_address(
        self, admin: dict[str, str], second_app: SecondApp
    ) -> None:
        async with second_app(login_address_lock_after=3, login_lock_after=10) as http:
            for name in ("ghost_a", "ghost_b", "ghost_c"):
                await fail(http, name, 1)

            refused = await password_grant(http, "admin")
            listed = await http.get(LOCKS_URL, headers=admin)
            lifted = await http.delete(f"{LOCKS_URL}/address:127.0.0.1", headers=admin)
            allowed = await password_grant(http, "admin")

        assert_problem(refused, 400, "invalid_grant")
        assert "address:127.0.0.1" in [lock["subject"] for lock in listed.json()["items"]]
        assert lifted.status_code == 204
        assert allowed.status_code == 200, allowed.text

    async def test_failures_beyond_the_free_ones_are_slowed(self, second_app: SecondApp) -> None:
        step = 0.05
        async with second_app(
            login_slowdown_seconds=step, login_slowdown_after=1, login_lock_after=10
        ) as http:
            await fail(http, "street_officer", 3)
            started = time.monotonic()
            await fail(http, "street_officer", 1)
            elapsed = time.monotonic() - started

        assert elapsed >= 4 * step, "after 3 failures the next attempt waits 2**(3-1) steps"

    async def test_failures_from_one_address_beyond_its_free_ones_are_slowed(
        self, second_app: SecondApp
    ) -> None:
        step = 0.05
        async with second_app(
            login_slowdown_seconds=step,
            login_slowdown_after=3,
            login_address_slowdown_after=2,
            login_lock_after=10,
            login_address_lock_after=20,
        ) as http:
            for name in ("ghost_a", "ghost_b", "ghost_c"):
                await fail(http, name, 1)
            started = time.monotonic()
            await fail(http, "ghost_d", 1)
            elapsed = time.monotonic() - started

        assert elapsed >= 2 * step, "3 failures from the address, 2 free: 2**(2-1) steps"
