"""Partner inbound referrals (issue 16 item 3): pushes per second through the app against raw
asyncpg inserts of the same rows.

    .venv/bin/python bench/partner_push.py [--pushes 300] [--households 20] [--concurrency 1]
        [--trace] [--pg postgresql://…/postgres]

Creates a throwaway PostgreSQL database (migrated, demo district, whose routing table names
each street's assistance station as its one window), enters `--households` households of
双龙湖街道 with a medical need and refers each to the Red Cross as the street officer (not
timed): the Red Cross knows them. Then, in this one process:

- the app: `POST /api/v1/partner/referrals` as the Red Cross's partner client
  (client-credentials token), a fresh `Idempotency-Key` each, a `care` need of the
  households in turn, to the one window, through the ASGI app itself (httpx's ASGI
  transport: the whole pipeline, token, permission, the key's claim, the household's lock,
  the need, the referral, audit, outbox, answer; no sockets). A household's first push notes
  its `care` need; the later ones refer that live need again;
- raw inserts: per push, in one transaction on raw asyncpg with a pool of the app's size,
  the rows a push writes: the idempotency key (claimed, then completed), the referral, its
  first transition, its audit event and its `referral.created` outbox event, copied from
  the app's last push with new ids.

`--trace` prints the statements the app sends for one push (before the timed ones). Prints
pushes per second, mean and p95 of both sides and the ratio. The database is dropped
at the end, whatever happens.
"""

import argparse
import asyncio
import os
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

import app.models  # noqa: E402, F401 - every table, so foreign keys resolve
from app.core.audit import AuditEvent  # noqa: E402
from app.core.events import DomainEvent  # noqa: E402
from app.core.id_numbers import check_character  # noqa: E402
from app.core.idempotency import IdempotencyRecord  # noqa: E402
from app.main import create_app  # noqa: E402
from app.organizations.models import Organization  # noqa: E402
from app.referrals.models import Referral, ReferralTransition  # noqa: E402
from bench.asgi_harness import (  # noqa: E402
    DEFAULT_PG_URL,
    PASSWORD,
    baseline_pool,
    bench_settings,
    figures,
    insert,
    seeded_database,
    timed,
)

GRID = "500112001001001"
PUSH = "/api/v1/partner/referrals"


def _id_number(sequence: int) -> str:
    first17 = f"5001121961{1 + sequence % 12:02d}{1 + sequence % 28:02d}{sequence % 1000:03d}"
    return first17 + check_character(first17)


async def _row(
    connection: asyncpg.Connection, table: str, where: str, *args: Any
) -> dict[str, Any]:
    found = await connection.fetchrow(f"SELECT * FROM {table} WHERE {where}", *args)  # noqa: S608
    assert found is not None, table
    return dict(found)


async def _templates(pool: asyncpg.Pool, referral_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """The rows the app's push of `referral_id` wrote, by table."""
    async with pool.acquire() as connection:
        return {
            "referral": await _row(connection, "referrals", "id = $1", referral_id),
            "transition": await _row(
                connection, "referral_transitions", "referral_id = $1", referral_id
            ),
            "audit": await _row(
                connection,
                "audit_events",
                "object_id = $1 AND action = 'referral.create'",
                str(referral_id),
            ),
            "event": await _row(
                connection,
                "domain_events",
                "name = 'referral.created' AND payload::jsonb ->> 'referral_id' = $1",
                str(referral_id),
            ),
            "key": await _row(connection, "idempotency_keys", "completed LIMIT 1"),
        }


def _raw_push(pool: asyncpg.Pool, rows: dict[str, dict[str, Any]]) -> Callable[[], Awaitable[None]]:
    async def call() -> None:
        now = datetime.now(UTC)
        referral_id = uuid.uuid4()
        key = {**rows["key"], "key": uuid.uuid4().hex, "completed": False, "response_body": None}
        statements = [
            insert(IdempotencyRecord, key),
            insert(Referral, {**rows["referral"], "id": referral_id, "created_at": now}),
            insert(
                ReferralTransition,
                {**rows["transition"], "id": uuid.uuid4(), "referral_id": referral_id, "at": now},
            ),
            insert(
                AuditEvent,
                {
                    **rows["audit"],
                    "id": uuid.uuid4(),
                    "object_id": str(referral_id),
                    "seal_seq": None,
                },
            ),
            insert(DomainEvent, {**rows["event"], "id": uuid.uuid4(), "dispatched_at": None}),
        ]
        async with pool.acquire() as connection, connection.transaction():
            for statement, values in statements:
                await connection.execute(statement, *values)
            await connection.execute(
                "UPDATE idempotency_keys SET completed = true, response_body = $3 "
                "WHERE caller = $1 AND key = $2",
                key["caller"],
                key["key"],
                rows["key"]["response_body"],
            )

    return call


async def _run(
    url: str, state: Path, pushes: int, households: int, concurrency: int, trace: bool
) -> None:
    settings = bench_settings(url, state)
    application = create_app(settings)
    services = application.state.services
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        signed = await http.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "street_officer", "password": PASSWORD},
        )
        signed.raise_for_status()
        officer = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        client = await http.post(
            "/api/v1/auth/token",
            data={"grant_type": "client_credentials"},
            auth=("red-cross", PASSWORD),
        )
        client.raise_for_status()
        red_cross = {"Authorization": f"Bearer {client.json()['access_token']}"}
        async with services.database.sessionmaker() as session:
            receiver = await session.scalar(
                select(Organization.id).where(Organization.kind == "red_cross")
            )
        known: list[str] = []
        for number in range(households):
            body = {
                "region_code": GRID,
                "address": f"双龙湖街道转介路 {number} 号",
                "needs": ["medical"],
                "members": [
                    {"name": "刘桂兰", "id_number": _id_number(number), "relation_to_head": "self"}
                ],
            }
            created = await http.post("/api/v1/households", json=body, headers=officer)
            created.raise_for_status()
            household = created.json()["id"]
            needs = await http.get(f"/api/v1/households/{household}/needs", headers=officer)
            needs.raise_for_status()
            [need] = [n["id"] for n in needs.json()["items"] if n["code"] == "medical"]
            sent = await http.post(
                "/api/v1/referrals",
                json={"need_id": need, "receiver_organization_id": str(receiver)},
                headers=officer,
            )
            sent.raise_for_status()
            known.append(household)

        last: list[uuid.UUID] = []

        def app_push(number: int) -> Callable[[], Awaitable[None]]:
            async def call() -> None:
                answer = await http.post(
                    PUSH,
                    json={"household_id": known[number % households], "need_code": "care"},
                    headers={**red_cross, "Idempotency-Key": uuid.uuid4().hex},
                )
                assert answer.status_code == 201, answer.text
                last.append(uuid.UUID(answer.json()["id"]))

            return call

        if trace:
            engine = services.database.engine.sync_engine
            sent: list[str] = []
            listener = lambda *args: sent.append(args[2].split("\n")[0][:110])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            await app_push(0)()
            event.remove(engine, "before_cursor_execute", listener)
            print(f"the app's statements for one push ({len(sent)}):")
            print("\n".join(f"  {s}" for s in sent))
        app_wall, app_took = await timed([app_push(n) for n in range(pushes)], concurrency)
        pool = await baseline_pool(url, settings.db_pool_size)
        try:
            rows = await _templates(pool, last[-1])
            base_wall, base_took = await timed(
                [_raw_push(pool, rows) for _ in range(pushes)], concurrency
            )
        finally:
            await pool.close()
    await services.database.dispose()
    print(f"{pushes} pushes about {households} households, {concurrency} at a time, PostgreSQL")
    app_figures = figures("app", "pushes", app_wall, app_took)
    base_figures = figures("raw", "pushes", base_wall, base_took)
    ratio = app_figures["mean_ms"] / base_figures["mean_ms"]
    print(f"ratio (mean time per push, app / raw inserts): {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pushes", type=int, default=300)
    parser.add_argument("--households", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    args = parser.parse_args()
    with seeded_database(args.pg, "sanzhu_bench_partner_push") as (url, state):
        asyncio.run(_run(url, state, args.pushes, args.households, args.concurrency, args.trace))


if __name__ == "__main__":
    main()
