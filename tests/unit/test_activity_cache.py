"""ActivityCache remembers which sign-ins are live for the re-check interval, no longer,
and forgets an ended one at once (the issue, 12)."""

import uuid
from typing import Any

from app.core.principals import ActivityCache


class Sessions:
    """A stand-in for the identity domain's `session_live` hook."""

    def __init__(self) -> None:
        self.ended: set[uuid.UUID] = set()
        self.asked: list[uuid.UUID] = []

    async def live(self, _database: Any, session_id: uuid.UUID) -> bool:
        self.asked.append(session_id)
        return session_id not in self.ended


async def test_a_live_sign_in_is_asked_about_once_per_interval() -> None:
    cache, sessions, sid = ActivityCache(60), Sessions(), uuid.uuid4()

    answers = [await cache.session_live(sessions.live, None, sid) for _ in range(3)]

    assert answers == [True, True, True]
    assert sessions.asked == [sid]


async def test_an_ended_sign_in_is_forgotten_at_once_and_never_remembered() -> None:
    cache, sessions, sid = ActivityCache(60), Sessions(), uuid.uuid4()
    assert await cache.session_live(sessions.live, None, sid)
    sessions.ended.add(sid)

    cache.forget_session(sid)

    assert not await cache.session_live(sessions.live, None, sid)
    assert not await cache.session_live(sessions.live, None, sid)
    assert sessions.asked == [sid, sid, sid]


async def test_without_an_interval_every_request_asks() -> None:
    cache, sessions, sid = ActivityCache(0), Sessions(), uuid.uuid4()

    for _ in range(3):
        assert await cache.session_live(sessions.live, None, sid)

    assert sessions.asked == [sid] * 3


async def test_the_remembered_sign_ins_are_bounded() -> None:
    cache, sessions = ActivityCache(60, capacity=3), Sessions()
    sids = [uuid.uuid4() for _ in range(5)]
    for sid in sids:
        await cache.session_live(sessions.live, None, sid)
    sessions.asked.clear()

    for sid in sids[-3:]:
        await cache.session_live(sessions.live, None, sid)
    await cache.session_live(sessions.live, None, sids[0])

    assert sessions.asked == [sids[0]], "the three newest are remembered, the oldest not"
