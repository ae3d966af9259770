"""Scenario: the eligibility simulation over a generated ledger (issue 15, Performance).

    .venv/bin/python bench/simulation.py [--households 100000] [--batch 1000]

Creates a throwaway PostgreSQL database, migrates it, loads the demo district with its
policy versions (2025 and 2026 published, a 2027 draft), and generates `--households`
households with `bench/generate.py`, every one with 12 months of incomes for the window of
today (the generator's months); then gives every household its district's hukou where the
generator left none, a declared asset list (none), and a third of them rigid expenditures
in the window, so no input is missing by construction. The 2027 draft is simulated over
the district on today's business date.

A fresh process then runs the simulation exactly as the worker's handler does
(`runner.run_simulation`, start-up frozen out of the collector's sight as in the worker)
and reports its wall time, households per second and peak RSS
(VmHWM and `ru_maxrss`), and then one plain SQL pass over the same inputs: a single
statement that sums the window's incomes and rigid expenditures per household, grouped,
joined to the subtree's active households, every row fetched (asyncpg). The ratio is
simulation time over that pass. The database is dropped at the end, whatever happens.
"""

import argparse
import asyncio
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402

import app.models  # noqa: E402, F401 - every table, so foreign keys resolve
from bench import generate  # noqa: E402
from bench.import_bench import DEFAULT_PG_URL, PASSWORD, _admin, _url, memory_mb  # noqa: E402

DISTRICT = "500112"
RIGID_SHARE = 0.33

SUMS_SQL = """
SELECT h.id, i.income, e.rigid
FROM households AS h
LEFT JOIN (
    SELECT household_id, sum(amount) AS income
    FROM household_incomes WHERE month >= $1 AND month <= $2 GROUP BY household_id
) AS i ON i.household_id = h.id
LEFT JOIN (
    SELECT household_id, sum(amount) AS rigid
    FROM household_expenditures WHERE month >= $1 AND month <= $2 GROUP BY household_id
) AS e ON e.household_id = h.id
WHERE h.status = 'active' AND h.region_code >= $3 AND h.region_code < $4
"""
"""The same inputs' sums in one statement: what any simulation must at least read."""


def _environment(url: str, state: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SANZHU_DATABASE_URL": url,
        "SANZHU_STATE_DIR": str(state),
        "SANZHU_DEMO_PASSWORD": PASSWORD,
        "SANZHU_PASSWORD_HASH_MEMORY_KIB": "1024",
        "SANZHU_LOG_LEVEL": "WARNING",
    }


async def prepare(households: int) -> None:
    """Migrate, load the demo district and its policy versions, generate the ledger."""
    from app.core.config import Settings
    from app.core.migrations import upgrade_head
    from app.core.security import PasswordHasher
    from app.core.services import build_services
    from app.demo import eligibility_policies, identity, organizations, regions
    from app.domains import ACCESS_HOOKS

    settings = Settings()
    await asyncio.to_thread(upgrade_head, settings.database_url)
    services = build_services(settings, ACCESS_HOOKS)
    try:
        async with services.database.sessionmaker() as session, session.begin():
            await regions.save_all(session)
            await organizations.save_all(session)
            await identity.save_all(session, PasswordHasher(1024), PASSWORD)
        await eligibility_policies.seed(services, PASSWORD)
    finally:
        await services.database.dispose()
    # Every generated household gets a full window of incomes (the generator's months are
    # the 12 before today's month, the window of today).
    generate.INCOME_SHARE = 1.0
    code = await generate.load(generate.parse_args(["--households", str(households)]))
    if code:
        raise SystemExit(code)


async def enrich(dsn: str) -> None:
    """Hukou in the district where the generator left none, declared (empty) asset lists for
    all, rigid expenditures for a third."""
    connection = await asyncpg.connect(dsn)
    try:
        # The generator leaves hukou empty; the district's own, as most households have.
        await connection.execute(
            "UPDATE households SET hukou_region_code = district_code "
            "WHERE hukou_region_code IS NULL"
        )
        await connection.execute(
            "INSERT INTO household_asset_declarations "
            "(household_id, region_code, district_code, declared_at) "
            "SELECT id, region_code, district_code, now() FROM households "
            "ON CONFLICT DO NOTHING"
        )
        await connection.execute(
            "INSERT INTO household_expenditures (id, household_id, region_code, district_code, "
            "month, kind, gross_amount, reimbursed_amount, amount, note, created_at, updated_at) "
            "SELECT gen_random_uuid(), id, region_code, district_code, "
            "date_trunc('month', now() - interval '3 months')::date, 'medical', "
            "a, 0, a, NULL, now(), now() "
            "FROM (SELECT id, region_code, district_code, "
            "(1000 + floor(random() * 4000000))::bigint AS a FROM households) AS h "
            "WHERE random() < $1",
            RIGID_SHARE,
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def queue() -> uuid.UUID:
    """The simulation of the demo draft over the district on today's date, queued."""
    from sqlalchemy import select

    from app.core.clock import business_today
    from app.core.config import Settings
    from app.core.services import build_services
    from app.domains import ACCESS_HOOKS
    from app.eligibility.models import PolicyVersion
    from app.eligibility.simulations.models import Simulation

    services = build_services(Settings(), ACCESS_HOOKS)
    try:
        async with services.database.sessionmaker() as session, session.begin():
            draft = (
                await session.execute(select(PolicyVersion).where(PolicyVersion.status == "draft"))
            ).scalar_one()
            simulation = Simulation(
                policy_version_id=draft.id,
                policy_version_version=draft.version,
                region_code=DISTRICT,
                reference_date=business_today(),
                status="queued",
                processed=0,
                changed=0,
                transitions=[],
                attempts=0,
            )
            session.add(simulation)
            await session.flush()
            return simulation.id
    finally:
        await services.database.dispose()


async def work(simulation_id: uuid.UUID, batch: int, dsn: str) -> dict[str, Any]:
    """Run the simulation in this process as the worker's handler does, then the plain pass."""
    from sqlalchemy import select

    from app.core.clock import business_today
    from app.core.config import Settings
    from app.core.heap import start_up_frozen
    from app.core.region_codes import subtree_bounds
    from app.core.services import build_services
    from app.domains import ACCESS_HOOKS
    from app.eligibility.rules import window
    from app.eligibility.simulations.models import Simulation
    from app.eligibility.simulations.runner import run_simulation

    services = build_services(Settings(), ACCESS_HOOKS)
    try:
        rss_at_start = memory_mb("VmRSS")
        # As the worker process runs its jobs (`sanzhu worker`, or in the server).
        with start_up_frozen():
            started = time.perf_counter()
            await run_simulation(services, simulation_id, batch_size=batch)
            seconds = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak = memory_mb("VmHWM")
        async with services.database.sessionmaker() as session:
            record = (
                await session.execute(select(Simulation).where(Simulation.id == simulation_id))
            ).scalar_one()
    finally:
        await services.database.dispose()
    months = window(business_today())
    connection = await asyncpg.connect(dsn)
    try:
        plain = time.perf_counter()
        rows = await connection.fetch(SUMS_SQL, months[0], months[-1], *subtree_bounds(DISTRICT))
        plain_seconds = time.perf_counter() - plain
    finally:
        await connection.close()
    totals: dict[str, int] = {}
    for _, before, after, count in record.transitions:
        key = f"{before} -> {after}"
        totals[key] = totals.get(key, 0) + int(count)
    return {
        "status": record.status,
        "households": record.processed,
        "total": record.total,
        "changed": record.changed,
        "batch": batch,
        "seconds": round(seconds, 2),
        "households_per_second": round(record.processed / seconds),
        "rss_at_start_mb": rss_at_start,
        "peak_rss_mb": peak,
        "ru_maxrss_mb": round(usage.ru_maxrss / 1024),
        "plain_sql_pass_seconds": round(plain_seconds, 2),
        "plain_sql_rows": len(rows),
        "ratio_to_plain_pass": round(seconds / plain_seconds, 1),
        "totals": dict(sorted(totals.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="Households per batch.")
    parser.add_argument("--pg-url", default=os.environ.get("SANZHU_BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database (its name is printed)."
    )
    parser.add_argument("--reuse", metavar="DATABASE", help="Simulate again on a kept database.")
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.work:
        dsn = generate.asyncpg_dsn(os.environ["SANZHU_DATABASE_URL"])
        print(json.dumps(asyncio.run(work(uuid.UUID(args.work), args.batch, dsn))))
        return 0
    name = args.reuse or (
        f"sanzhu_bench_simulation_{int(time.time())}_{os.getpid()}_{secrets.token_hex(3)}"
    )
    if not args.reuse:
        asyncio.run(_admin(args.pg_url, f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="sanzhu-simulation-bench-") as temp:
            env = _environment(_url(args.pg_url, name, "postgresql+asyncpg"), Path(temp) / "state")
            os.environ.update(env)
            if not args.reuse:
                started = time.perf_counter()
                asyncio.run(prepare(args.households))
                asyncio.run(enrich(_url(args.pg_url, name, "postgresql")))
                seconds = time.perf_counter() - started
                print(f"prepared {args.households:,} households in {seconds:.0f} s")
            simulation_id = asyncio.run(queue())
            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--work",
                    str(simulation_id),
                    "--batch",
                    str(args.batch),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                print(result.stderr[-3000:], file=sys.stderr)
                return 1
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            figures["cpus"] = os.cpu_count()
            print(json.dumps(figures, indent=2, ensure_ascii=False))
            return 0 if figures["status"] == "succeeded" else 1
    finally:
        if args.keep or args.reuse:
            print(f"database kept: {name}")
        else:
            asyncio.run(_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    sys.exit(main())
