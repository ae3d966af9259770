"""Password hashing runs in worker threads, a few at a time, never on the event loop."""

import asyncio
import threading

import pytest

from app.core.security import PasswordHasher
from tests.slow_hashing import Recorder, ticks_during


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    return Recorder(monkeypatch)


async def test_hashing_leaves_the_event_loop_free(recorder: Recorder) -> None:
    hasher = PasswordHasher(1024)
    hashed = await hasher.hash("Kite-Lantern-Orchid-48")

    ticks, (matches, _) = await ticks_during(hasher.verify("Kite-Lantern-Orchid-48", hashed))

    assert matches
    assert ticks >= 5, "the loop ran other coroutines while the check took 0.2 s"
    assert recorder.threads
    assert threading.get_ident() not in recorder.threads


@pytest.mark.parametrize("stored", ["real", None], ids=["stored-hash", "no-account"])
async def test_a_check_runs_in_a_worker_thread(recorder: Recorder, stored: str | None) -> None:
    hasher = PasswordHasher(1024)
    hashed = await hasher.hash("Kite-Lantern-Orchid-48") if stored else None
    recorder.threads.clear()

    matches, _ = await hasher.verify("Kite-Lantern-Orchid-48", hashed)

    assert matches is (hashed is not None)
    assert recorder.threads
    assert threading.get_ident() not in recorder.threads


async def test_at_most_the_concurrency_hash_at_once(recorder: Recorder) -> None:
    hasher = PasswordHasher(1024, concurrency=2)

    hashes = await asyncio.gather(*(hasher.hash(f"password-{n}") for n in range(5)))

    assert len(set(hashes)) == 5
    assert recorder.most_at_once == 2
