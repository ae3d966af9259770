"""Sending webhooks: claim due deliveries, send them with no transaction open, record each.

A worker (its periodic task `deliver_webhooks`, in an asyncio task of its own beside the job
loop, so a slow receiver holds neither jobs nor other upkeep) claims a batch of due
deliveries in one short transaction (SKIP LOCKED on PostgreSQL, SQLite's write lock
otherwise) with a lease and a claim token, and commits; sends them with httpx, a few at a
time, no transaction open; then records each attempt and the delivery's new state in a
transaction of its own, guarded by the claim token: a run whose claim another worker took
over (its lease ran out) records nothing. A worker that dies or stops mid-send leaves its
deliveries claimed until the lease runs out; another worker then sends them again, with the
same `webhook-id` (at least once).

Each request is signed per Standard Webhooks (signing.py), redirects are not followed, the
target is checked again before sending (targets.py), and only the answer's first
characters are kept. Log lines name deliveries and outcomes, never secrets, URLs or bodies.
"""

import asyncio
import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import structlog

from app.core.config import Environment, Settings
from app.core.db import WriteSession, utcnow
from app.core.metrics import WEBHOOK_ATTEMPTS
from app.core.services import Services
from app.webhooks import repository, rules, signing, targets
from app.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from app.webhooks.service import open_secret

logger = structlog.get_logger(__name__)
SNIPPET_CHARACTERS = 200
SNIPPET_BYTES = 1024
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed delivery, ready to send: nothing of it needs the database any more."""

    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    attempt: int
    url: str
    secret: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Sent:
    outgoing: Outgoing
    at: datetime
    duration_ms: int
    status: int | None
    error: str | None
    snippet: str | None
    retry_after: str | None
    refused: bool = False


def body_of(delivery: WebhookDelivery) -> bytes:
    """The Standard Webhooks body: `type`, `timestamp` (RFC 3339) and the thin `data`."""
    timestamp = delivery.occurred_at.astimezone(UTC).isoformat(timespec="milliseconds")
    document = {
        "type": delivery.event_type,
        "timestamp": timestamp.replace("+00:00", "Z"),
        "data": delivery.data,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _outgoing(
    services: Services, delivery: WebhookDelivery, subscription: WebhookSubscription
) -> Outgoing:
    return Outgoing(
        delivery_id=delivery.id,
        subscription_id=subscription.id,
        attempt=delivery.attempts,
        url=subscription.url,
        secret=open_secret(services, subscription),
        body=body_of(delivery),
    )


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def send_deadline(settings: Settings) -> float:
    """The longest one attempt may take, whatever the receiver does (a slow drip of bytes
    resets httpx's read timeout each time): the figure the lease is sized by."""
    return settings.webhook_connect_timeout_seconds + 2 * settings.webhook_read_timeout_seconds


async def send(http: httpx.AsyncClient, settings: Settings, outgoing: Outgoing) -> Sent:
    """One attempt, within `send_deadline`: check the target again, POST the signed body,
    keep the answer's start."""
    at = utcnow()
    started = time.monotonic()
    deadline = send_deadline(settings)
    try:
        async with asyncio.timeout(deadline):
            return await _attempt(http, settings, outgoing, at, started)
    except TimeoutError:
        elapsed = round((time.monotonic() - started) * 1000)
        return Sent(outgoing, at, elapsed, None, f"timed out after {deadline:g} s", None, None)


async def _attempt(
    http: httpx.AsyncClient, settings: Settings, outgoing: Outgoing, at: datetime, started: float
) -> Sent:
    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        target = await targets.check(
            outgoing.url,
            https_only=settings.environment is Environment.production,
            allow_private=settings.webhook_allow_private_targets,
            must_resolve=True,
        )
    except targets.TargetRefused as refused:
        return Sent(outgoing, at, elapsed(), None, f"target refused: {refused}", None, None, True)
    stamp = int(at.timestamp())
    message_id = str(outgoing.delivery_id)
    headers = {
        "host": target.parts.netloc,
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signing.signature(outgoing.secret, message_id, stamp, outgoing.body),
    }
    # To a checked address, not the name resolved again (targets.py: DNS rebinding); TLS
    # still names and verifies the host.
    unreachable: httpx.ConnectError | None = None
    for url in target.pinned():
        try:
            async with http.stream(
                "POST",
                url,
                content=outgoing.body,
                headers=headers,
                extensions={"sni_hostname": target.host},
            ) as r:
                start = b""
                async for chunk in r.aiter_bytes():
                    start += chunk
                    if len(start) >= SNIPPET_BYTES:
                        break
            break
        except httpx.ConnectError as exc:
            unreachable = exc
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
            # One receiver's failure is its attempt's, never the batch's.
            return Sent(outgoing, at, elapsed(), None, _error(exc), None, None)
    else:
        assert unreachable is not None
        return Sent(outgoing, at, elapsed(), None, _error(unreachable), None, None)
    snippet = start.decode("utf-8", errors="replace")[:SNIPPET_CHARACTERS] or None
    error = None if 200 <= r.status_code < 300 else f"HTTP {r.status_code}"
    return Sent(
        outgoing, at, elapsed(), r.status_code, error, snippet, r.headers.get("retry-after")
    )


async def record(services: Services, sent: Sent, token: uuid.UUID) -> str:
    """Write the attempt and the delivery's new state if this claim still holds it; the
    outcome's label (`lease_lost` when another claim took the delivery over)."""
    settings = services.settings
    outgoing = sent.outgoing
    now = utcnow()
    verdict = rules.judge(
        sent.status,
        outgoing.attempt,
        now,
        retry_after_header=sent.retry_after,
        retry_after_max=timedelta(seconds=settings.webhook_retry_after_max_seconds),
    )
    values: dict[str, object] = {
        "last_status": sent.status,
        "last_error": sent.error,
        "updated_at": now,
    }
    if verdict.outcome is rules.Outcome.delivered:
        values |= {"status": DeliveryStatus.delivered.value, "delivered_at": now}
    elif verdict.outcome is rules.Outcome.retry:
        values |= {
            "status": DeliveryStatus.pending.value,
            "next_attempt_at": verdict.next_attempt_at,
        }
    elif verdict.outcome is rules.Outcome.gone:
        values |= {
            "status": DeliveryStatus.failed.value,
            "last_error": "HTTP 410: the receiver is gone; subscription disabled",
        }
    else:
        values |= {"status": DeliveryStatus.failed.value}
    async with services.database.sessionmaker() as session, session.begin():
        if not await repository.settle(session, outgoing.delivery_id, token, values):
            label = "lease_lost"
        else:
            _add_attempt(session, sent)
            if verdict.outcome is rules.Outcome.gone:
                await repository.disable_gone(
                    session, outgoing.subscription_id, now, DisabledReason.gone.value
                )
                await repository.cancel_pending(session, outgoing.subscription_id, now)
            label = "refused" if sent.refused else verdict.outcome.value
    WEBHOOK_ATTEMPTS.labels(outcome=label).inc()
    log = logger.info if label == "delivered" else logger.warning
    log(
        "webhook_attempt",
        delivery_id=str(outgoing.delivery_id),
        subscription_id=str(outgoing.subscription_id),
        attempt=outgoing.attempt,
        http_status=sent.status,
        duration_ms=sent.duration_ms,
        outcome=label,
    )
    return label


def _add_attempt(session: WriteSession, sent: Sent) -> None:
    repository.add_attempt(
        session,
        WebhookAttempt(
            delivery_id=sent.outgoing.delivery_id,
            number=sent.outgoing.attempt,
            attempted_at=sent.at,
            duration_ms=sent.duration_ms,
            http_status=sent.status,
            error=sent.error,
            response_snippet=sent.snippet,
        ),
    )


async def _prepare(services: Services, ids: list[uuid.UUID], token: uuid.UUID) -> list[Outgoing]:
    """What to send of the claimed deliveries, read in a short transaction; a delivery whose
    subscription was disabled since is cancelled instead."""
    async with services.database.sessionmaker() as session, session.begin():
        claimed = await repository.claimed(session, ids)
        subscriptions = await repository.subscriptions_by_id(
            session, [d.subscription_id for d in claimed]
        )
        ready = []
        for delivery in claimed:
            subscription = subscriptions.get(delivery.subscription_id)
            if subscription is None:
                continue  # deleted since the claim, its deliveries with it
            if subscription.status != SubscriptionStatus.active.value:
                await repository.settle(
                    session,
                    delivery.id,
                    token,
                    {"status": DeliveryStatus.cancelled.value, "updated_at": utcnow()},
                )
                continue
            ready.append(_outgoing(services, delivery, subscription))
    return ready


def http_client(settings: Settings) -> httpx.AsyncClient:
    """The client of webhook sends: no redirects followed, no proxy from the environment,
    the configured timeouts."""
    read = settings.webhook_read_timeout_seconds
    timeout = httpx.Timeout(
        connect=settings.webhook_connect_timeout_seconds, read=read, write=read, pool=read
    )
    # No kept-alive connections: a connection goes to an address, not a name (targets.py), and
    # one opened and verified for one receiver's name must not carry another's request.
    limits = httpx.Limits(max_keepalive_connections=0)
    return httpx.AsyncClient(
        follow_redirects=False, trust_env=False, timeout=timeout, limits=limits
    )


async def deliver_batch(
    services: Services, *, worker_id: str = WORKER_ID, now: datetime | None = None
) -> int:
    """Claim, send and record one batch of due deliveries; how many were claimed."""
    settings = services.settings
    token = uuid.uuid4()
    ids = await repository.claim(
        services.database,
        worker_id=worker_id,
        token=token,
        now=now or utcnow(),
        lease=timedelta(seconds=settings.webhook_lease_seconds),
        limit=settings.webhook_batch_size,
    )
    if not ids:
        return 0
    ready = await _prepare(services, ids, token)
    gate = asyncio.Semaphore(settings.webhook_concurrency)

    async def one(http: httpx.AsyncClient, outgoing: Outgoing) -> None:
        async with gate:
            sent = await send(http, settings, outgoing)
        await record(services, sent, token)

    async with http_client(settings) as http:
        await asyncio.gather(*(one(http, outgoing) for outgoing in ready))
    return len(ids)


async def deliver_due(_session: WriteSession, services: Services) -> None:
    """The periodic task: batches until one is not full. It runs in a task of its own (the
    worker's job loop and other upkeep go on meanwhile) and does not use the upkeep's
    transaction: no HTTP call may wait inside one, so it opens short transactions of its
    own."""
    while await deliver_batch(services) == services.settings.webhook_batch_size:
        pass
