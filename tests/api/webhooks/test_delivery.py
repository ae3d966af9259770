"""Delivery to a real local receiver: signed per Standard Webhooks (checked by the reference
library), retried with back-off, at least once across a worker's death, never for an event
whose transaction rolled back; 410 disables, 429 is honoured, redirects are not followed,
and a target is checked again at send time."""

import asyncio
import ipaddress
import json
import time
import uuid
from datetime import timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from standardwebhooks import Webhook

from app.core import events
from app.core.db import utcnow
from app.webhooks import repository, targets
from app.webhooks.delivery import Outgoing, Sent, record
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from tests.api.webhooks.flow import (
    REFERRAL_CREATED,
    URL,
    deliver,
    deliveries,
    fan_out,
    make_due,
    organization_id,
    publish,
    referral_payload,
    subscribe,
)
from tests.api.webhooks.receiver import Answer, Receiver

pytestmark = pytest.mark.usefixtures("allow_private")


async def _subscribed(
    app: FastAPI, http: httpx.AsyncClient, headers: dict[str, str], receiver: Receiver
) -> tuple[dict[str, object], uuid.UUID]:
    created = await subscribe(http, headers, receiver.url())
    return created, await organization_id(app, "red_cross")


async def test_delivered_after_failures_signed_with_one_webhook_id(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    created, red = await _subscribed(app, anonymous, red_cross, receiver)
    receiver.answer(Answer(503, body=b"busy"), Answer(500))
    payload = referral_payload(red)
    await publish(app, REFERRAL_CREATED, payload)
    await fan_out(app)

    assert await deliver(app) == 1
    (pending,) = await deliveries(app)
    assert (pending.status, pending.attempts, pending.last_status) == ("pending", 1, 503)
    delay = pending.next_attempt_at - utcnow()
    assert timedelta(seconds=3) < delay <= timedelta(seconds=5.5)
    assert await deliver(app) == 0, "not due before its back-off"
    await make_due(app)
    await deliver(app)
    await make_due(app)
    await deliver(app)

    (done,) = await deliveries(app)
    assert (done.status, done.attempts, done.delivered_at is not None) == ("delivered", 3, True)
    assert len(receiver.received) == 3
    verifier = Webhook(str(created["secret"]))
    for request in receiver.received:
        body = verifier.verify(request.body, request.headers)
        assert body == {
            "type": REFERRAL_CREATED,
            "timestamp": body["timestamp"],
            "data": {k: payload[k] for k in ("referral_id", "household_id", "status", "version")},
        }
        assert body["timestamp"].endswith("Z")
        assert request.headers["content-type"] == "application/json"
    assert {r.headers["webhook-id"] for r in receiver.received} == {str(done.id)}

    shown = await anonymous.get(f"{URL}/{created['id']}/deliveries/{done.id}", headers=red_cross)
    assert shown.status_code == 200, shown.text
    attempts = shown.json()["attempts_made"]
    assert [(a["number"], a["http_status"]) for a in attempts] == [(1, 503), (2, 500), (3, 200)]
    assert attempts[0]["response_snippet"] == "busy"
    assert attempts[0]["error"] == "HTTP 503"
    assert attempts[2]["error"] is None


async def test_a_tampered_body_does_not_verify(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    created, red = await _subscribed(app, anonymous, red_cross, receiver)
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    (request,) = receiver.received
    with pytest.raises(Exception, match="signature"):
        Webhook(str(created["secret"])).verify(request.body + b" ", request.headers)


async def test_an_event_whose_transaction_rolled_back_is_never_delivered(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)

    class Refused(Exception):
        pass

    async def change_that_fails() -> None:
        async with app.state.services.database.sessionmaker() as session, session.begin():
            events.publish(session, REFERRAL_CREATED, referral_payload(red))
            await session.flush()
            raise Refused

    with pytest.raises(Refused):
        await change_that_fails()
    await fan_out(app)
    await make_due(app)
    await deliver(app)
    assert await deliveries(app) == []
    assert receiver.received == []


async def test_only_subscribed_types_of_named_organisations_fan_out_once(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    charity = await organization_id(app, "charity_federation")
    await publish(app, REFERRAL_CREATED, referral_payload(charity))
    await publish(app, "charity_report.generated", {"report_id": "r", "organizations": [str(red)]})
    await publish(app, REFERRAL_CREATED, referral_payload(red, charity))
    await fan_out(app)
    # Jobs run at least once: the same events dispatched and fanned out again add nothing.
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(update(events.DomainEvent).values(dispatched_at=None))
    await fan_out(app)
    found = await deliveries(app)
    assert len(found) == 1
    assert found[0].event_type == REFERRAL_CREATED
    assert "organizations" not in found[0].data


async def test_410_disables_the_subscription_and_stops_its_deliveries(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    created, red = await _subscribed(app, anonymous, red_cross, receiver)
    app.state.services.settings.webhook_concurrency = 1
    receiver.answer(Answer(410))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    subscription = (await anonymous.get(f"{URL}/{created['id']}", headers=red_cross)).json()
    assert (subscription["status"], subscription["disabled_reason"]) == ("disabled", "gone")
    assert [d.status for d in await deliveries(app)] == ["failed"]
    assert len(receiver.received) == 1


async def test_410_cancels_the_pending_deliveries(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    receiver.answer(Answer(503), Answer(410))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    assert [d.status for d in await deliveries(app)] == ["cancelled", "failed"]


@pytest.mark.parametrize("form", ["seconds", "date"])
async def test_429_retry_after_is_honoured(
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    red_cross: dict[str, str],
    receiver: Receiver,
    form: str,
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    later = utcnow() + timedelta(seconds=600)
    value = "600" if form == "seconds" else format_datetime(later, usegmt=True)
    receiver.answer(Answer(429, {"Retry-After": value}))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    (waiting,) = await deliveries(app)
    assert waiting.status == "pending"
    assert abs((waiting.next_attempt_at - later).total_seconds()) < 5


async def test_retry_after_is_bounded(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    receiver.answer(Answer(503, {"Retry-After": str(30 * 86400)}))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    (waiting,) = await deliveries(app)
    most = app.state.services.settings.webhook_retry_after_max_seconds
    assert waiting.next_attempt_at - utcnow() <= timedelta(seconds=most)


async def test_a_redirect_is_not_followed(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    receiver.answer(Answer(302, {"Location": receiver.url("/elsewhere")}))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    (failed,) = await deliveries(app)
    assert (failed.status, failed.last_status, failed.last_error) == ("pending", 302, "HTTP 302")
    assert [r.path for r in receiver.received] == ["/hooks"]


async def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_deadline(
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    red_cross: dict[str, str],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    settings = app.state.services.settings
    monkeypatch.setattr(settings, "webhook_connect_timeout_seconds", 0.5)
    monkeypatch.setattr(settings, "webhook_read_timeout_seconds", 0.5)
    # Each byte comes well within the read timeout; the whole answer would take 20 s.
    receiver.answer(Answer(200, body=b"x" * 200, drip_seconds=0.1))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    started = time.monotonic()
    await deliver(app)
    assert time.monotonic() - started < 10
    (cut,) = await deliveries(app)
    assert (cut.status, cut.last_status, cut.last_error) == (
        "pending",
        None,
        "timed out after 1.5 s",
    )


async def test_a_target_refused_at_send_time_is_a_failed_attempt(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    app.state.services.settings.webhook_allow_private_targets = False
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    (refused,) = await deliveries(app)
    assert refused.status == "pending"
    assert refused.last_error == "target refused: target_loopback (address=127.0.0.1)"
    assert receiver.received == []


async def test_the_last_failed_attempt_leaves_a_dead_letter_that_replays(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    created, red = await _subscribed(app, anonymous, red_cross, receiver)
    receiver.answer(Answer(500))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(update(WebhookDelivery).values(attempts=7))
    await deliver(app)
    (dead,) = await deliveries(app)
    assert (dead.status, dead.attempts) == ("failed", 8)
    listed = await anonymous.get(
        f"{URL}/{created['id']}/deliveries", params={"status": "failed"}, headers=red_cross
    )
    assert [d["id"] for d in listed.json()["items"]] == [str(dead.id)]
    replay = f"{URL}/{created['id']}/deliveries/{dead.id}/replay"
    replayed = await anonymous.post(replay, headers=red_cross)
    assert replayed.status_code == 200, replayed.text
    assert (replayed.json()["status"], replayed.json()["attempts"]) == ("pending", 0)
    again = await anonymous.post(replay, headers=red_cross)
    assert again.status_code == 409
    assert again.json()["code"] == "webhook_delivery_not_finished"
    await deliver(app)
    (done,) = await deliveries(app)
    assert done.status == "delivered"
    assert {r.headers["webhook-id"] for r in receiver.received} == {str(done.id)}


async def test_survives_a_worker_restart(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    """A worker claims a delivery and dies before sending: once its lease runs out another
    worker sends it, with the same webhook-id, and the dead claim can record nothing."""
    services = app.state.services
    created, red = await _subscribed(app, anonymous, red_cross, receiver)
    receiver.answer(Answer(503))
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    await deliver(app)
    await make_due(app)
    lease = timedelta(seconds=services.settings.webhook_lease_seconds)
    dead_token = uuid.uuid4()
    claimed = await repository.claim(
        services.database,
        worker_id="died",
        token=dead_token,
        now=utcnow(),
        lease=lease,
        limit=10,
    )
    assert len(claimed) == 1
    assert await deliver(app) == 0, "still leased to the dead worker"
    assert await deliver(app, now=utcnow() + lease + timedelta(seconds=1)) == 1
    (done,) = await deliveries(app)
    assert done.status == "delivered"
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert ids == [str(done.id), str(done.id)]
    late = Sent(
        Outgoing(done.id, uuid.UUID(str(created["id"])), 2, receiver.url(), "whsec_", b"{}"),
        utcnow(),
        5,
        200,
        None,
        None,
        None,
    )
    assert await record(services, late, dead_token) == "lease_lost"
    async with services.database.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(WebhookAttempt))
    assert count == 2


async def test_concurrent_claims_are_disjoint(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    """Two workers claiming at once never get the same delivery (SKIP LOCKED on PostgreSQL,
    the write lock on SQLite)."""
    services = app.state.services
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    for _ in range(30):
        await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    assert len(await deliveries(app)) == 30

    async def claim(worker: str) -> list[uuid.UUID]:
        return await repository.claim(
            services.database,
            worker_id=worker,
            token=uuid.uuid4(),
            now=utcnow(),
            lease=timedelta(minutes=1),
            limit=20,
        )

    first, second = await asyncio.gather(claim("a"), claim("b"))
    assert set(first).isdisjoint(second)
    assert len(first) + len(second) == 30


async def test_a_disabled_subscriptions_claimed_delivery_is_cancelled_not_sent(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(update(WebhookSubscription).values(status="disabled"))
    await deliver(app)
    assert [d.status for d in await deliveries(app)] == ["cancelled"]
    assert receiver.received == []


async def test_the_body_names_no_personal_data(
    app: FastAPI, anonymous: httpx.AsyncClient, red_cross: dict[str, str], receiver: Receiver
) -> None:
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    payload = referral_payload(red) | {"name": "张三", "id_number": "500112199001011234"}
    await publish(app, REFERRAL_CREATED, payload)
    await fan_out(app)
    await deliver(app)
    (request,) = receiver.received
    data = json.loads(request.body)["data"]
    assert set(data) == {"referral_id", "household_id", "status", "version"}


async def test_a_claim_skips_deliveries_another_worker_is_claiming(
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    red_cross: dict[str, str],
    receiver: Receiver,
    is_postgres: bool,
) -> None:
    """PostgreSQL: rows locked by another claim's open transaction are skipped at once, not
    waited for (SKIP LOCKED); so several workers never send one delivery at the same time."""
    if not is_postgres:
        pytest.skip("row locks are PostgreSQL's; SQLite serialises claims by its write lock")
    services = app.state.services
    _, red = await _subscribed(app, anonymous, red_cross, receiver)
    for _ in range(4):
        await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    async with services.database.sessionmaker() as holder, holder.begin():
        locked = list(
            (
                await holder.execute(
                    select(WebhookDelivery.id)
                    .order_by(WebhookDelivery.id)
                    .limit(2)
                    .with_for_update()
                )
            ).scalars()
        )
        async with asyncio.timeout(10):
            claimed = await repository.claim(
                services.database,
                worker_id="other",
                token=uuid.uuid4(),
                now=utcnow(),
                lease=timedelta(minutes=1),
                limit=10,
            )
    assert len(claimed) == 2
    assert set(claimed).isdisjoint(locked)


async def test_the_connection_goes_to_the_address_the_check_passed(
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    red_cross: dict[str, str],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the send connects to the address the check resolved and passed, not to
    the name resolved again. The name here resolves only through the check's resolver, so a
    connection by name would fail; the receiver sees the name as the Host."""
    host = f"hooks.partner.invalid:{receiver.port}"
    created = await subscribe(anonymous, red_cross, f"http://{host}/hooks")
    red = await organization_id(app, "red_cross")
    looked_up: list[str] = []

    async def resolve(name: str, port: int) -> list[targets.IpAddress]:
        looked_up.append(name)
        # First an address nothing listens on (the port of a closed socket): the send goes on
        # to the next checked address, as for a dual-stack name on a host without IPv6.
        return [ipaddress.ip_address("127.0.0.2"), ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(targets, "resolve", resolve)
    await publish(app, REFERRAL_CREATED, referral_payload(red))
    await fan_out(app)
    assert await deliver(app) == 1

    (delivered,) = await deliveries(app)
    assert (delivered.status, delivered.last_status) == ("delivered", 200)
    (request,) = receiver.received
    assert request.headers["host"] == host
    assert request.path == "/hooks"
    Webhook(str(created["secret"])).verify(request.body, request.headers)
    assert looked_up == ["hooks.partner.invalid"]


def test_a_pinned_url_keeps_the_port_path_and_query_and_brackets_ipv6() -> None:
    checked = targets.Checked(
        urlsplit("https://hooks.example.cn:8443/in?x=1"),
        (ipaddress.ip_address("2001:db8::1"), ipaddress.ip_address("203.0.113.9")),
    )
    assert checked.pinned() == [
        "https://[2001:db8::1]:8443/in?x=1",
        "https://203.0.113.9:8443/in?x=1",
    ]
    assert checked.host == "hooks.example.cn"
    unresolved = targets.Checked(urlsplit("https://hooks.example.cn/in"), ())
    assert unresolved.pinned() == ["https://hooks.example.cn/in"]
