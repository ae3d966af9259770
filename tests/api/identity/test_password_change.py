"""Changing one's own password is no oracle: wrong old passwords count with failed sign-ins
(the issue, 6) and every refusal is audited (the issue, 5)."""

import asyncio
import time
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from tests.api.identity.conftest import SecondApp
from tests.api.identity.helpers import (
    AUDIT_URL,
    ME_URL,
    STRONG_PASSWORD,
    headers_for,
    me,
    password_grant,
)
from tests.factories import DEMO_PASSWORD
from tests.problems import assert_problem

pytestmark = pytest.mark.usefixtures("demo")
PASSWORD_URL = f"{ME_URL}/password"
WRONG = "Not-The-Password-1"
LOCKED = "too many failed attempts; try again later"


async def change(
    http: httpx.AsyncClient, headers: dict[str, str], old: str = WRONG
) -> httpx.Response:
    return await http.post(
        PASSWORD_URL, json={"old_password": old, "new_password": STRONG_PASSWORD}, headers=headers
    )


async def denied_changes(reader: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await reader.get(
        AUDIT_URL,
        params={"action": "denied:user.change_password", "outcome": "denied", "limit": 200},
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestFailuresCountWithSignIn:
    async def test_wrong_old_passwords_and_failed_sign_ins_share_one_count(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        headers = await headers_for(anonymous, "street_officer")
        for _ in range(settings.login_lock_after - 1):
            assert_problem(await change(anonymous, headers), 403, "wrong_password")
        failed = await password_grant(anonymous, "street_officer", WRONG)

        right = await password_grant(anonymous, "street_officer", DEMO_PASSWORD)

        assert failed.json()["error_description"] == "wrong username or password"
        assert assert_problem(right, 400, "invalid_grant")["error_description"] == LOCKED

    async def test_a_stolen_token_gets_no_more_guesses_than_the_limit(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        headers = await headers_for(anonymous, "street_officer")
        for _ in range(settings.login_lock_after):
            assert_problem(await change(anonymous, headers), 403, "wrong_password")

        wrong = await change(anonymous, headers)
        right = await change(anonymous, headers, DEMO_PASSWORD)

        for refused in (wrong, right):
            assert_problem(refused, 429, "too_many_failed_attempts")
            assert refused.headers["retry-after"] == str(settings.login_lock_minutes * 60)
        assert wrong.json() | {"request_id": None} == right.json() | {"request_id": None}
        signed_in = await password_grant(anonymous, "street_officer", DEMO_PASSWORD)
        assert assert_problem(signed_in, 400, "invalid_grant")["error_description"] == LOCKED

    async def test_a_sign_in_lock_stops_password_changes_too(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        headers = await headers_for(anonymous, "street_officer")
        for _ in range(settings.login_lock_after):
            await password_grant(anonymous, "street_officer", WRONG)

        response = await change(anonymous, headers, DEMO_PASSWORD)

        assert_problem(response, 429, "too_many_failed_attempts")
        assert (await me(anonymous, headers))["username"] == "street_officer"

    async def test_parallel_wrong_guesses_get_no_more_answers_than_the_limit(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        headers = await headers_for(anonymous, "community_worker")

        burst = await asyncio.gather(*(change(anonymous, headers) for _ in range(15)))

        codes = [r.json()["code"] for r in burst]
        assert codes.count("wrong_password") <= settings.login_lock_after
        assert codes.count("too_many_failed_attempts") == 15 - codes.count("wrong_password")
        assert_problem(
            await change(anonymous, headers, DEMO_PASSWORD), 429, "too_many_failed_attempts"
        )

    async def test_a_right_old_password_forgets_the_failures(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        headers = await headers_for(anonymous, "grid_worker")
        for _ in range(settings.login_lock_after - 1):
            await change(anonymous, headers)

        changed = await change(anonymous, headers, DEMO_PASSWORD)
        for _ in range(settings.login_lock_after - 1):
            await password_grant(anonymous, "grid_worker", WRONG)

        assert changed.status_code == 204, changed.text
        signed_in = await password_grant(anonymous, "grid_worker", STRONG_PASSWORD)
        assert signed_in.status_code == 200, signed_in.text

    async def test_wrong_old_passwords_are_slowed_like_sign_ins(
        self, second_app: SecondApp
    ) -> None:
        step = 0.05
        async with second_app(
            login_slowdown_seconds=step, login_slowdown_after=1, login_lock_after=10
        ) as http:
            headers = await headers_for(http, "street_officer")
            for _ in range(3):
                await password_grant(http, "street_officer", WRONG)
            started = time.monotonic()
            refused = await change(http, headers)
            elapsed = time.monotonic() - started

        assert_problem(refused, 403, "wrong_password")
        assert elapsed >= 4 * step, "after 3 failures the next check waits 2**(3-1) steps"


class TestRefusalsAreAudited:
    async def test_a_wrong_old_password_leaves_a_denied_event(
        self, anonymous: httpx.AsyncClient, client: httpx.AsyncClient
    ) -> None:
        headers = await headers_for(anonymous, "social_worker")
        worker_id = (await me(anonymous, headers))["id"]

        refused = await change(anonymous, headers)

        assert_problem(refused, 403, "wrong_password")
        (event,) = await denied_changes(client)
        assert event["actor"] == {"type": "user", "id": worker_id, "display_name": "同心社工"}
        assert event["role"] == "social_worker"
        assert (event["object_type"], event["object_id"]) == ("user", worker_id)
        assert event["request_id"] == refused.headers["x-request-id"]
        assert event["address"] == "127.0.0.1"
        assert event["changed_fields"] == []
        assert WRONG not in refused.text + str(event)
        every = await client.get(AUDIT_URL, params={"outcome": "denied", "limit": 200})
        assert [
            e["action"]
            for e in every.json()["items"]
            if e["request_id"] == refused.headers["x-request-id"]
        ] == ["denied:user.change_password"], "one refusal, one event"

    async def test_a_locked_attempt_leaves_a_denied_event(
        self, anonymous: httpx.AsyncClient, client: httpx.AsyncClient, settings: Settings
    ) -> None:
        headers = await headers_for(anonymous, "social_worker")
        for _ in range(settings.login_lock_after):
            await password_grant(anonymous, "social_worker", WRONG)

        refused = await change(anonymous, headers, DEMO_PASSWORD)

        assert_problem(refused, 429, "too_many_failed_attempts")
        assert [e["request_id"] for e in await denied_changes(client)] == [
            refused.headers["x-request-id"]
        ]
