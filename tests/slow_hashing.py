"""A stand-in for slow password hashing: notes where and how many hashes run, and lets a
test see whether the event loop stayed free meanwhile (the issue, 6)."""

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from pwdlib.hashers.argon2 import Argon2Hasher

SLOW = 0.2
T = TypeVar("T")


class Recorder:
    """Wraps argon2's hash and verify: each takes SLOW seconds of blocking work and notes
    its thread and how many ran at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.threads: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        for name in ("hash", "verify"):
            monkeypatch.setattr(Argon2Hasher, name, self._slow(getattr(Argon2Hasher, name)))

    def _slow(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def slow(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.threads.append(threading.get_ident())
                self.running += 1
                self.most_at_once = max(self.most_at_once, self.running)
            try:
                time.sleep(SLOW)
                return original(*args, **kwargs)
            finally:
                with self._lock:
                    self.running -= 1

        return slow


async def ticks_during(work: Awaitable[T]) -> tuple[int, T]:
    """How often a coroutine sleeping 10 ms got to run while `work` ran, and its result."""
    ticks = 0
    task = asyncio.ensure_future(work)
    while not task.done():
        await asyncio.sleep(0.01)
        ticks += 1
    return ticks, await task
