"""Scenario: the eligibility simulation over a generated ledger (issue 15, Performance).

    .venv/bin/python bench/simulation.py [--households 100000] [--workers 2]

Creates a throwaway PostgreSQL database, migrates it, loads the demo district with its
policy versions (2025 and 2026 published, a 2027 draft), and generates `--households`
households with `bench/generate.py`, every one with 12 months of incomes for the window of
today (the generator's months); then gives every household its district's hukou where the
generator left none, a declared asset list (none), and a third of them rigid expenditures
in the window, so no input is missing by construction. The 2027 draft is simulated over
the district on today's business date.

`--workers` fresh processes then run the app's worker (`build_worker`, start-up frozen out
of the collector's sight as `sanzhu worker` does), each claiming due jobs as it does. Once
they are up, the simulation is queued as the API queues it (the row and its job); its
first job cuts the households into parts (`settings.simulation_parts`) and the workers
walk them at the same time. Reported: the wall time from the queue's commit until the
simulation has succeeded (polled every 0.1 s), the simulation's own started-to-finished
time, households per second, each worker's peak RSS (VmHWM) and the jobs it ran, and then
one plain SQL pass over the same inputs: a single statement that sums the window's incomes
and rigid expenditures per household, grouped, joined to the subtree's active households,
every row fetched (asyncpg). The ratio is the wall time over that pass. The database is
dropped at the end, whatever happens (unless kept).
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
DEADLINE_SECONDS = 3600
"""The bench gives up on a simulation still unfinished after this long (a stuck run)."""
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


async def queue() -> tuple[uuid.UUID, float]:
    """The simulation of the demo draft over the district on today's date, queued with its job
    as the API queues it; returns its id and when the queue committed (perf counter)."""
    from sqlalchemy import select

    from app.core.clock import business_today
    from app.core.config import Settings
    from app.core.jobs import enqueue
    from app.core.services import build_services
    from app.domains import ACCESS_HOOKS
    from app.eligibility.models import PolicyVersion
    from app.eligibility.simulations.kinds import SIMULATION
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
            job = await enqueue(session, SIMULATION, {"simulation_id": str(simulation.id)})
            simulation.job_id = job.id
        return simulation.id, time.perf_counter()
    finally:
        await services.database.dispose()


async def finished(simulation_id: uuid.UUID, started: float) -> dict[str, Any]:
    """Poll until the simulation has finished; its record and the wall time since `started`."""
    from sqlalchemy import select

    from app.core.config import Settings
    from app.core.services import build_services
    from app.domains import ACCESS_HOOKS
    from app.eligibility.simulations.models import Simulation

    services = build_services(Settings(), ACCESS_HOOKS)
    try:
        while True:
            async with services.database.sessionmaker() as session:
                record = (
                    await session.execute(select(Simulation).where(Simulation.id == simulation_id))
                ).scalar_one()
            seconds = time.perf_counter() - started
            if record.status not in ("queued", "running"):
                break
            if seconds > DEADLINE_SECONDS:
                raise SystemExit(f"the simulation has not finished after {seconds:.0f} s")
            await asyncio.sleep(0.1)
    finally:
        await services.database.dispose()
    totals: dict[str, int] = {}
    for _, before, after, count in record.transitions:
        key = f"{before} -> {after}"
        totals[key] = totals.get(key, 0) + int(count)
    assert record.finished_at is not None
    assert record.started_at is not None
    own = (record.finished_at - record.started_at).total_seconds()
    return {
        "status": record.status,
        "households": record.processed,
        "total": record.total,
        "changed": record.changed,
        "seconds": round(seconds, 2),
        "simulation_started_to_finished_seconds": round(own, 2),
        "households_per_second": round(record.processed / seconds),
        "totals": dict(sorted(totals.items())),
    }


async def plain_pass(dsn: str) -> tuple[float, int]:
    """One plain SQL pass over the same inputs: its seconds and rows."""
    from app.core.clock import business_today
    from app.core.region_codes import subtree_bounds
    from app.eligibility.rules import window

    months = window(business_today())
    connection = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        rows = await connection.fetch(SUMS_SQL, months[0], months[-1], *subtree_bounds(DISTRICT))
        return time.perf_counter() - started, len(rows)
    finally:
        await connection.close()


async def work() -> dict[str, Any]:
    """A worker process as `sanzhu worker` runs one (start-up frozen), claiming due jobs until
    no simulation is left queued or running; its peak memory and the jobs it ran."""
    from sqlalchemy import func, select

    from app.core.config import Settings
    from app.core.heap import start_up_frozen
    from app.core.services import build_services
    from app.domains import ACCESS_HOOKS, build_worker
    from app.eligibility.simulations.models import Simulation

    services = build_services(Settings(), ACCESS_HOOKS)
    ran = 0
    try:
        rss_at_start = memory_mb("VmRSS")
        with start_up_frozen():
            worker = build_worker(services)
            print("ready", flush=True)
            seen = False
            while True:
                count = await worker.run_once()
                ran += count
                async with services.database.sessionmaker() as session:
                    unfinished = await session.scalar(
                        select(func.count()).where(Simulation.status.in_(("queued", "running")))
                    )
                seen = seen or bool(count) or bool(unfinished)
                if seen and not unfinished:
                    break
                if not count:
                    await asyncio.sleep(services.settings.worker_poll_seconds)
    finally:
        await services.database.dispose()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "jobs_run": ran,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "rss_at_start_mb": rss_at_start,
        "peak_rss_mb": memory_mb("VmHWM"),
    }


def _cpu_busy_seconds() -> float:
    """CPU time the whole machine spent busy (every process, the database's too), from
    /proc/stat: user, nice, system, irq and softirq, in seconds."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run_workers(env: dict[str, str], count: int, dsn: str, logs: Path) -> dict[str, Any]:
    """Start `count` worker processes, queue the simulation once they are up, and measure.
    Their logs go to files under `logs` (a pipe nobody reads would stall them)."""
    processes = [
        subprocess.Popen(
            [sys.executable, __file__, "--work"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=(logs / f"worker-{number}.log").open("w"),
            text=True,
        )
        for number in range(count)
    ]
    for number, process in enumerate(processes):
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise SystemExit((logs / f"worker-{number}.log").read_text()[-3000:])
    simulation_id, queued_at = asyncio.run(queue())
    busy_before = _cpu_busy_seconds()
    figures = asyncio.run(finished(simulation_id, queued_at))
    busy = _cpu_busy_seconds() - busy_before
    workers = []
    for number, process in enumerate(processes):
        out, _ = process.communicate(timeout=120)
        if process.returncode != 0:
            raise SystemExit((logs / f"worker-{number}.log").read_text()[-3000:])
        workers.append(json.loads(out.strip().splitlines()[-1]))
    plain_seconds, plain_rows = asyncio.run(plain_pass(dsn))
    return {
        **figures,
        "workers": workers,
        "peak_rss_mb_all_workers": sum(w["peak_rss_mb"] for w in workers),
        "machine_cpu_busy_seconds": round(busy, 1),
        "plain_sql_pass_seconds": round(plain_seconds, 2),
        "plain_sql_rows": plain_rows,
        "ratio_to_plain_pass": round(figures["seconds"] / plain_seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Worker processes (default: 2, this machine's cores).",
    )
    parser.add_argument("--pg-url", default=os.environ.get("SANZHU_BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database (its name is printed)."
    )
    parser.add_argument("--reuse", metavar="DATABASE", help="Simulate again on a kept database.")
    parser.add_argument("--work", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.work:
        print(json.dumps(asyncio.run(work())))
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
            dsn = generate.asyncpg_dsn(env["SANZHU_DATABASE_URL"])
            figures = run_workers(env, args.workers, dsn, Path(temp))
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
