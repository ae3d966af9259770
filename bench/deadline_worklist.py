"""The deadline worklist under load: the app against raw asyncpg running the same SQL.

    .venv/bin/python bench/deadline_worklist.py [--households 1000000] [--open 100000]
        [--clients 8] [--requests 200] [--keep]

Creates a throwaway PostgreSQL database (`--admin-dsn`), migrates and seeds it
(`sanzhu migrate`, `sanzhu seed-demo`), adds `--households` households over the demo
grids and then the deadlines, each set-based in one INSERT ... SELECT: `--open`
undone ones (due days spread over the last and next weeks, so some are due today and
many overdue) and `--done` done ones (met; outside the partial index
ix_deadlines_undone_region_due, as in a worklist that has run for years). Then it
loads, in turn, with `--clients` concurrent clients each sending `--requests`
requests:

- the app in-process (`create_app`, httpx ASGI transport, a street officer's bearer
  token): `GET /api/v1/worklists/deadlines` for the street (default `when`: due today
  and overdue, first page of 50) and for one community;
- the baseline: an asyncpg pool of the app's size sending the statements the app sends
  for that request (the page in a read transaction, the calendar overrides and loaded
  years for `days_overdue`), with nothing else: no auth, no ORM, no models. The page's keys
come from an index-only scan of ix_deadlines_undone_region_due, its rows by id after.

Prints p50/p95/p99 and requests/s of both and their ratio, and the plan of the page
query. The database is dropped at the end unless `--keep`.
"""

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from app.core.clock import business_today  # noqa: E402
from app.core.region_codes import subtree_bounds  # noqa: E402
from bench.run import (  # noqa: E402
    create_database,
    database_url,
    drop_database,
    find_sanzhu,
    run_cli,
    tail,
)

STREET = "500112001"
COMMUNITY = "500112001001"
PASSWORD = "Bench-Demo-Password-2026"  # noqa: S105 (demo users of a throwaway database)
PAGE = 50

HOUSEHOLDS_SQL = """
INSERT INTO households (id, version, region_code, district_code, address, status, complete,
                        missing_fields, created_at, updated_at, ledger_number)
SELECT gen_random_uuid(), 1, g.codes[1 + (n % array_length(g.codes, 1))], '500112',
       '合成地址 ' || n || ' 号', 'active', false, '[]', now(), now(),
       '500112-B' || lpad(n::text, 9, '0')
FROM generate_series(1, $1) AS n,
     (SELECT array_agg(code ORDER BY code) AS codes FROM regions WHERE level = 'grid') AS g
"""
"""The households the deadlines belong to, spread over the demo grids: only what the
worklist's rows need (an id and a region; the worklist reads no household). The full
synthetic ledger is bench/generate.py's."""

DEADLINES_SQL = """
INSERT INTO deadlines (id, kind, status, region_code, district_code, household_id,
                       triggered_on, working_days, due_on, provisional, done_on, created_at)
SELECT gen_random_uuid(), k.kind,
       CASE WHEN h.n > $1 THEN 'met'
            WHEN h.triggered_on + k.days < $3 THEN 'missed' ELSE 'open' END,
       h.region_code, h.district_code, h.id, h.triggered_on, k.days,
       h.triggered_on + k.days, false,
       CASE WHEN h.n > $1 THEN h.triggered_on + 1 END, now()
FROM (
    SELECT id, region_code, district_code, n,
           $3::date - ((n * 7919) % 21)::int + 7 AS triggered_on
    FROM (SELECT id, region_code, district_code, row_number() OVER () AS n
          FROM households LIMIT $2) AS numbered
) AS h
JOIN (VALUES (0, 'visit_after_hardship', 1), (1, 'ledger_after_hardship', 2),
             (2, 'visit_after_approval', 1), (3, 'ledger_after_screening', 3))
     AS k(slot, kind, days) ON k.slot = h.n % 4
"""
"""One deadline per household taken, its kind by turn; the first `$1` undone, the rest met.
Trigger days spread over three weeks around today (working days counted as calendar days:
the figures need the spread, not the calendar)."""

KEYS_SQL = """
SELECT due_on, id
FROM deadlines
WHERE done_on IS NULL AND region_code >= $1 AND region_code < $2 AND due_on <= $3
ORDER BY due_on, id
LIMIT $4
"""
"""The worklist's first page (default `when`) as the app asks for it: its keys, from the
partial index ix_deadlines_undone_region_due alone (an index-only scan)."""
ROWS_SQL = """
SELECT id, kind, status, region_code, district_code, household_id, application_id,
       discovery_report_id, triggered_on, working_days, due_on, provisional,
       responsible_user_id, done_on, done_by_visit_id, missed_at, reminded_at, created_at
FROM deadlines
WHERE id = ANY($1::uuid[])
"""
"""Then the page's rows, by id."""
OVERRIDES_SQL = (
    "SELECT day, is_working_day, name, official FROM calendar_days WHERE day >= $1 AND day <= $2"
)
YEARS_SQL = "SELECT year, source, loaded_at FROM calendar_years ORDER BY year"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--admin-dsn",
        default=os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000, help="Undone deadlines.")
    parser.add_argument("--done", type=int, default=200_000, help="Done (met) deadlines.")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200, help="Per client and side.")
    parser.add_argument("--keep", action="store_true", help="Keep the database.")
    parser.add_argument(
        "--database", help="Use this prepared database (name) instead of a new one."
    )
    return parser.parse_args()


def environment(dsn_app: str, state: Path) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith("SANZHU_")}
    return {
        **kept,
        "SANZHU_DATABASE_URL": dsn_app,
        "SANZHU_STATE_DIR": str(state),
        "SANZHU_DEMO_PASSWORD": PASSWORD,
        "SANZHU_ENVIRONMENT": "development",
        "SANZHU_SECRET_KEY": secrets.token_urlsafe(36),
        "SANZHU_LOG_LEVEL": "WARNING",
        # The worker's upkeep would share the process with the requests measured.
        "SANZHU_RUN_WORKER_IN_PROCESS": "false",
    }


def prepare(env: dict[str, str], dsn: str, args: argparse.Namespace) -> None:
    sanzhu = find_sanzhu()
    for command in (["migrate"], ["seed-demo"]):
        done = run_cli(sanzhu, env, *command)
        if done.returncode != 0:
            raise SystemExit(f"sanzhu {command[0]} failed:\n{tail(done.stdout + done.stderr)}")
    asyncio.run(_add_rows(dsn, args))


async def _add_rows(dsn: str, args: argparse.Namespace) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        started = time.monotonic()
        await conn.execute(HOUSEHOLDS_SQL, args.households)
        await conn.execute("ANALYZE households")
        print(f"  {args.households:,} households in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        await conn.execute(DEADLINES_SQL, args.open, args.open + args.done, business_today())
        # A worklist that has run a while: autovacuum has set the visibility map.
        await conn.execute("VACUUM ANALYZE deadlines")
        undone = await conn.fetchval("SELECT count(*) FROM deadlines WHERE done_on IS NULL")
        total = await conn.fetchval("SELECT count(*) FROM deadlines")
        print(f"  {total:,} deadlines ({undone:,} undone) in {time.monotonic() - started:.1f} s")
    finally:
        await conn.close()


async def load(
    clients: int, requests: int, one: Callable[[int], Awaitable[None]]
) -> tuple[list[float], float]:
    """`clients` concurrent loops of `requests` calls; latencies (ms) and wall time (s)."""
    latencies: list[float] = []

    async def client(index: int) -> None:
        for n in range(requests):
            started = time.perf_counter()
            await one(index * requests + n)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, time.perf_counter() - started


def figures(latencies: list[float], wall: float) -> dict[str, float]:
    ordered = sorted(latencies)
    cut = statistics.quantiles(ordered, n=100)
    return {
        "p50": statistics.median(ordered),
        "p95": cut[94],
        "p99": cut[98],
        "rps": len(ordered) / wall,
    }


async def bench_app(env: dict[str, str], args: argparse.Namespace) -> dict[str, dict[str, float]]:
    os.environ.update(env)
    from app.core.config import Settings
    from app.main import create_app

    app = create_app(Settings())
    results: dict[str, dict[str, float]] = {}
    transport = httpx.ASGITransport(app=app)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http,
        ):
            token = await http.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": "street_officer", "password": PASSWORD},
            )
            if token.status_code != 200:
                raise SystemExit(f"sign-in failed: {token.text}")
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            for label, params in (("street", {}), ("community", {"region": COMMUNITY})):

                async def one(_: int, params: dict[str, str] = params) -> None:
                    response = await http.get(
                        "/api/v1/worklists/deadlines", params=params, headers=headers
                    )
                    if response.status_code != 200:
                        raise SystemExit(f"worklist answered {response.status_code}")

                await load(args.clients, 5, one)
                results[label] = figures(*await load(args.clients, args.requests, one))
    finally:
        await app.state.services.database.dispose()
    return results


async def bench_baseline(dsn: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    from app.core.config import Settings

    settings = Settings()
    size = settings.db_pool_size + settings.db_max_overflow
    today = business_today()
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=size)
    results: dict[str, dict[str, float]] = {}
    try:
        for label, region in (("street", STREET), ("community", COMMUNITY)):
            low, high = subtree_bounds(region)

            async def one(_: int, low: str = low, high: str = high) -> None:
                async with pool.acquire() as conn:
                    transaction = conn.transaction()
                    await transaction.start()
                    keys = await conn.fetch(KEYS_SQL, low, high, today, PAGE + 1)
                    await conn.fetch(ROWS_SQL, [key["id"] for key in keys[:PAGE]])
                    overdue = [key["due_on"] for key in keys[:PAGE] if key["due_on"] < today]
                    if overdue:
                        await conn.fetch(OVERRIDES_SQL, min(overdue), today + timedelta(days=1))
                        await conn.fetch(YEARS_SQL)
                    await transaction.rollback()

            await load(args.clients, 5, one)
            results[label] = figures(*await load(args.clients, args.requests, one))
    finally:
        await pool.close()
    return results


async def plan(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        low, high = subtree_bounds(STREET)
        rows = await conn.fetch(
            "EXPLAIN (ANALYZE, BUFFERS) " + KEYS_SQL, low, high, business_today(), PAGE + 1
        )
        return "\n".join(row[0] for row in rows)
    finally:
        await conn.close()


def report(app: dict[str, dict[str, float]], base: dict[str, dict[str, float]]) -> None:
    print(f"{'query':<10} {'side':<9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for label in app:
        for side, found in (("app", app[label]), ("baseline", base[label])):
            print(
                f"{label:<10} {side:<9} {found['p50']:8.1f} {found['p95']:8.1f} "
                f"{found['p99']:8.1f} {found['rps']:8.0f}"
            )
        print(
            f"{label:<10} {'app/base':<9} {app[label]['p50'] / base[label]['p50']:8.2f} "
            f"{app[label]['p95'] / base[label]['p95']:8.2f} "
            f"{app[label]['p99'] / base[label]['p99']:8.2f} "
            f"{app[label]['rps'] / base[label]['rps']:8.2f}"
        )


def main() -> None:
    args = parse_args()
    name = args.database or f"sanzhu_bench_deadlines_{os.getpid()}"
    dsn = database_url(args.admin_dsn, name)
    dsn_app = database_url(args.admin_dsn, name, "postgresql+asyncpg")
    with tempfile.TemporaryDirectory(prefix="sanzhu-bench-") as state:
        env = environment(dsn_app, Path(state))
        created = args.database is None
        try:
            if created:
                version = asyncio.run(create_database(args.admin_dsn, name))
                print(f"PostgreSQL {version}, database {name}")
                prepare(env, dsn, args)
            print(asyncio.run(plan(dsn)))
            app = asyncio.run(bench_app(env, args))
            base = asyncio.run(bench_baseline(dsn, args))
            print(
                f"{args.clients} clients x {args.requests} requests each side; "
                f"{args.households:,} households, {args.open:,} undone deadlines"
            )
            report(app, base)
        except subprocess.SubprocessError as exc:
            raise SystemExit(f"bench failed: {exc}") from exc
        finally:
            if created and not args.keep:
                asyncio.run(drop_database(args.admin_dsn, name))


if __name__ == "__main__":
    main()
