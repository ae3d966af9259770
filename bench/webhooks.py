"""Webhook delivery to a local receiver (issue 16): fan-out and delivery rates against raw
baselines.

    .venv/bin/python bench/webhooks.py [--events 2000] [--pg postgresql://…/postgres]

Creates a throwaway PostgreSQL database (migrated, demo district), one Red Cross
subscription aimed at a receiver on 127.0.0.1 (answering 200 at once), and `--events`
`referral.created` events committed through the outbox. Then, in this one process:

- fan-out: the worker's dispatch and the `webhooks.fan_out` jobs, events to deliveries;
- delivery: `deliver_batch` until nothing is due: claim, sign, POST, record each attempt,
  at the configured batch size and concurrency;
- raw inserts: the same number of `webhook_deliveries` rows inserted one statement each on
  raw asyncpg, as many at a time as the sender's concurrency: what the database alone
  takes per row;
- raw sends: the same number of POSTs of a body of the same size to the receiver with one
  httpx client, as many at a time: what HTTP alone takes per delivery.

Prints each rate and delivery's ratio to both baselines. The database is dropped at the
end, whatever happens.
"""

import argparse
import asyncio
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from sqlalchemy import select  # noqa: E402

import app.models  # noqa: E402, F401 - every table, so foreign keys resolve
from app.core import events  # noqa: E402
from app.core.db import new_id, utcnow  # noqa: E402
from app.domains import build_worker, subscriptions  # noqa: E402
from app.main import create_app  # noqa: E402
from app.organizations.models import Organization  # noqa: E402
from app.webhooks.delivery import deliver_batch  # noqa: E402
from app.webhooks.models import WebhookDelivery, WebhookSubscription  # noqa: E402
from app.webhooks.service import SECRET_CONTEXT  # noqa: E402
from app.webhooks.signing import new_secret  # noqa: E402
from bench.asgi_harness import (  # noqa: E402
    DEFAULT_PG_URL,
    baseline_pool,
    bench_settings,
    insert,
    seeded_database,
)

BODY = b'{"type":"referral.created","timestamp":"2026-12-04T08:00:00.000Z","data":{}}'


class Receiver:
    """HTTP/1.1 keep-alive receiver answering 204 to every request."""

    def __init__(self) -> None:
        self.count = 0
        self.port = 0

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                self.count += 1
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


def _rate(name: str, count: int, seconds: float) -> float:
    rate = count / seconds
    print(f"{name:12} {count:6d} in {seconds:7.2f} s  {rate:8.1f}/s")
    return rate


async def run(url: str, state: Path, count: int) -> None:
    settings = bench_settings(url, state).model_copy(update={"webhook_allow_private_targets": True})
    application = create_app(settings)
    services = application.state.services
    receiver = Receiver()
    server = await receiver.start()
    try:
        async with services.database.sessionmaker() as session, session.begin():
            red_cross = await session.scalar(
                select(Organization.id).where(Organization.kind == "red_cross")
            )
            subscription = WebhookSubscription(
                organization_id=red_cross,
                url=f"http://127.0.0.1:{receiver.port}/hooks",
                event_types=["referral.created"],
                secret_cipher=services.cipher.encrypt(new_secret(), context=SECRET_CONTEXT),
                status="active",
                created_by="bench",
                version=1,
            )
            session.add(subscription)
            for _ in range(count):
                events.publish(
                    session,
                    "referral.created",
                    {
                        "referral_id": str(uuid.uuid4()),
                        "household_id": str(uuid.uuid4()),
                        "status": "requested",
                        "version": 1,
                        "organizations": [str(red_cross)],
                    },
                )
        start = time.perf_counter()
        while True:
            async with services.database.sessionmaker() as session, session.begin():
                dispatched = await events.dispatch_pending(session, subscriptions())
            if not dispatched:
                break
        worker = build_worker(services)
        while await worker.run_once():
            pass
        fanned = _rate("fan-out", count, time.perf_counter() - start)

        start = time.perf_counter()
        while await deliver_batch(services):
            pass
        delivered = _rate("delivery", receiver.count, time.perf_counter() - start)

        concurrency = settings.webhook_concurrency
        pool = await baseline_pool(url, concurrency)
        gate = asyncio.Semaphore(concurrency)
        now = utcnow()

        async def raw_insert() -> None:
            statement, values = insert(
                WebhookDelivery,
                {
                    "id": new_id(),
                    "subscription_id": subscription.id,
                    "event_id": uuid.uuid4(),
                    "event_type": "referral.created",
                    "occurred_at": now,
                    "data": {},
                    "status": "delivered",
                    "attempts": 1,
                    "next_attempt_at": now,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            async with gate:
                await pool.execute(statement, *values)

        start = time.perf_counter()
        await asyncio.gather(*(raw_insert() for _ in range(count)))
        inserts = _rate("raw inserts", count, time.perf_counter() - start)
        await pool.close()

        async with httpx.AsyncClient(trust_env=False) as http:

            async def raw_send() -> None:
                async with gate:
                    await http.post(f"http://127.0.0.1:{receiver.port}/raw", content=BODY)

            start = time.perf_counter()
            await asyncio.gather(*(raw_send() for _ in range(count)))
            sends = _rate("raw sends", count, time.perf_counter() - start)
        print(
            f"delivery / raw inserts {delivered / inserts:.2f}; "
            f"delivery / raw sends {delivered / sends:.2f}; fan-out {fanned:.0f}/s"
        )
    finally:
        server.close()
        await services.database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--pg", default=DEFAULT_PG_URL)
    arguments = parser.parse_args()
    with seeded_database(arguments.pg, "sanzhu_bench_webhooks") as (url, state):
        asyncio.run(run(url, state, arguments.events))


if __name__ == "__main__":
    main()
