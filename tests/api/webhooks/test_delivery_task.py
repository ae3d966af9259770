"""Delivery runs in an asyncio task of its own beside the worker's job loop (app/core/worker.py,
`PeriodicTask.own_task`): a receiver that holds a send for its whole deadline holds neither
the jobs nor the other upkeep, and stopping the worker stops the delivery after a short
grace."""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from app.core.worker import OWN_TASK_GRACE_SECONDS
from app.domains import build_worker
from tests.api.webhooks.flow import (
    REFERRAL_CREATED,
    deliveries,
    fan_out,
    organization_id,
    publish,
    referral_payload,
    subscribe,
)
from tests.api.webhooks.receiver import Answer, Receiver

pytestmark = pytest.mark.usefixtures("allow_private")


async def _soon(check: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> bool:
    """Whether `check` comes true within `seconds` (well under the stuck send's deadline)."""
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


def _delivery_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "upkeep:deliver_webhooks"]


async def test_a_slow_receiver_holds_neither_the_job_loop_nor_other_upkeep(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    services = app.state.services
    red = await organization_id(app, "red_cross")
    await subscribe(anonymous, red_cross, receiver.url())
    # Each byte well within the read timeout: the answer would take a minute, so the send
    # waits its whole deadline (connect + 2 x read: 25 s).
    receiver.answer(Answer(200, body=b"x" * 600, drip_seconds=0.1))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    stop = asyncio.Event()
    running = asyncio.create_task(build_worker(services).run(stop))
    try:

        async def sending() -> bool:
            return len(receiver.received) == 1

        assert await _soon(sending), "the worker never sent the first delivery"
        # While that send waits: an event published now is dispatched (upkeep) to the
        # fan-out job, which the job loop runs, adding a second delivery.
        await publish(app, REFERRAL_CREATED, referral_payload(red))

        async def fanned_out() -> bool:
            return len(await deliveries(app)) == 2

        assert await _soon(fanned_out), "the job loop waited for the slow receiver"
        stuck, fanned = await deliveries(app)
        assert (stuck.status, fanned.status) == ("sending", "pending")
        assert len(receiver.received) == 1
        assert len(_delivery_tasks()) == 1

        stop.set()
        stopped_at = time.monotonic()
        await asyncio.wait_for(running, 5)
    finally:
        stop.set()
        running.cancel()
    assert time.monotonic() - stopped_at < 5
    assert _delivery_tasks() == [], "the delivery task outlived the worker"
    # Cut short, the send leaves its claim to its lease, as a worker that dies does.
    stuck, _ = await deliveries(app)
    assert (stuck.status, stuck.attempts) == ("sending", 1)


async def test_a_send_answered_within_the_grace_is_recorded_at_shutdown(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    """Stopping while a send is in flight waits `OWN_TASK_GRACE_SECONDS` for it: the answer
    that comes within it is recorded, so the receiver is not sent the event again."""
    red = await organization_id(app, "red_cross")
    await subscribe(anonymous, red_cross, receiver.url())
    receiver.answer(Answer(200, body=b"ok", drip_seconds=0.3))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    stop = asyncio.Event()
    running = asyncio.create_task(build_worker(app.state.services).run(stop))
    try:

        async def sending() -> bool:
            return len(receiver.received) == 1

        assert await _soon(sending), "the worker never sent the delivery"
        stop.set()
        await asyncio.wait_for(running, OWN_TASK_GRACE_SECONDS + 3)
    finally:
        stop.set()
        running.cancel()
    [delivered] = await deliveries(app)
    assert (delivered.status, delivered.attempts) == ("delivered", 1)


async def test_cancelled_as_the_command_line_stops_it_the_worker_leaves_no_task(
    app: FastAPI,
) -> None:
    """`sanzhu worker` stops by cancellation, without setting `stop`: the worker sets it, so
    its own tasks start no new run during the grace, and none outlives it."""
    stop = asyncio.Event()
    running = asyncio.create_task(build_worker(app.state.services).run(stop))
    await asyncio.sleep(0.3)
    assert len(_delivery_tasks()) == 1
    running.cancel()
    started = time.monotonic()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(running, OWN_TASK_GRACE_SECONDS + 3)
    assert stop.is_set()
    assert time.monotonic() - started < OWN_TASK_GRACE_SECONDS + 1
    assert _delivery_tasks() == []
