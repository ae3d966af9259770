"""Every route that hashes or checks a password leaves the event loop free meanwhile
(the issue, 6): a slow argon2 stands in, and a coroutine ticking every 10 ms must keep
running while the request waits for it."""

import threading

import httpx
import pytest

from tests.api.identity.helpers import (
    ME_URL,
    STRONG_PASSWORD,
    USERS_URL,
    headers_for,
    password_grant,
)
from tests.factories import DEMO_PASSWORD
from tests.problems import assert_problem
from tests.slow_hashing import SLOW, Recorder, ticks_during

pytestmark = pytest.mark.usefixtures("demo")
MIN_TICKS = int(SLOW / 0.01 / 2)


def assert_off_the_loop(recorder: Recorder, ticks: int) -> None:
    assert recorder.threads, "a password was hashed or checked"
    assert threading.get_ident() not in recorder.threads
    assert ticks >= MIN_TICKS, f"the event loop ran {ticks} times in {SLOW} s of hashing"


async def test_sign_in(anonymous: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = Recorder(monkeypatch)

    ticks, response = await ticks_during(password_grant(anonymous, "street_officer"))

    assert response.status_code == 200, response.text
    assert_off_the_loop(recorder, ticks)


async def test_sign_in_of_an_unknown_user(
    anonymous: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(monkeypatch)

    ticks, response = await ticks_during(password_grant(anonymous, "nobody_at_all"))

    assert_problem(response, 400, "invalid_grant")
    assert_off_the_loop(recorder, ticks)


async def test_password_change(
    anonymous: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = await headers_for(anonymous, "grid_worker")
    recorder = Recorder(monkeypatch)

    ticks, response = await ticks_during(
        anonymous.post(
            f"{ME_URL}/password",
            json={"old_password": DEMO_PASSWORD, "new_password": STRONG_PASSWORD},
            headers=headers,
        )
    )

    assert response.status_code == 204, response.text
    assert_off_the_loop(recorder, ticks)
    assert len(recorder.threads) == 2, "the old password checked, the new one hashed"


async def test_user_creation(
    anonymous: httpx.AsyncClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(monkeypatch)
    body = {
        "username": "new_officer",
        "display_name": "新街道干部",
        "role": "street_officer",
        "scope_region_code": "500112001",
        "password": STRONG_PASSWORD,
    }

    ticks, response = await ticks_during(anonymous.post(USERS_URL, json=body, headers=admin))

    assert response.status_code == 201, response.text
    assert_off_the_loop(recorder, ticks)
