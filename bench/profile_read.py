"""Profile one endpoint of the app in process: where a request's CPU time goes.

    SANZHU_DATABASE_URL=postgresql+asyncpg://... SANZHU_STATE_DIR=... \\
        .venv/bin/python bench/profile_read.py --scenario households_get --requests 2000

Builds the app with `app.main.create_app()` (the same settings as `sanzhu
serve`), runs its lifespan, signs the scenario's demo user in, and sends
requests one after another through httpx's ASGI transport: no sockets, no
uvicorn, no concurrency. First it times `--requests` requests without a
profiler (ms per request, the database round trips included), then it runs
them again under cProfile and prints the self time per component (ORM, SQL
compilation, asyncpg, pydantic, FastAPI, ...) and the cumulative time of the
app's own functions, per request. The httpx client's own time is listed
apart; the server does not pay it.

"""

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from app.core.config import Settings  # noqa: E402
from bench.generate import asyncpg_dsn  # noqa: E402
from bench.scenarios import SCENARIOS  # noqa: E402

COMPONENTS = (
    ("sqlalchemy/orm/", "SQLAlchemy ORM (loading, identity map, session)"),
    ("sqlalchemy/sql/", "SQLAlchemy Core (statement building, compilation, cache keys)"),
    ("sqlalchemy/engine/", "SQLAlchemy engine (execution, result rows)"),
    ("sqlalchemy/dialects/", "SQLAlchemy asyncpg dialect"),
    ("sqlalchemy/pool/", "SQLAlchemy pool"),
    ("sqlalchemy/", "SQLAlchemy other (async adaptation, util, events)"),
    ("greenlet", "greenlet switches (SQLAlchemy async)"),
    ("asyncpg/", "asyncpg"),
    ("pydantic", "pydantic (validation, serialization)"),
    ("fastapi/", "FastAPI (routing, dependencies, encoding)"),
    ("starlette/", "Starlette (middleware, routing, responses)"),
    ("jose/", "python-jose (token decoding)"),
    ("cryptography", "cryptography (AES-GCM, ECDSA)"),
    ("structlog/", "structlog"),
    ("prometheus_client/", "prometheus_client"),
    ("/app/", "the app's own code"),
    ("httpx/", "httpx client (not the server's cost)"),
    ("httpcore/", "httpx client (not the server's cost)"),
    ("anyio/", "anyio"),
    ("asyncio/", "asyncio event loop"),
)
APP_FUNCTIONS = (
    "authenticate",
    "build",
    "read_household",
    "personal",
    "visible",
    "get_visible",
    "check_social_worker",
    "household_out",
    "codes",
    "target_types",
    "categories",
    "members",
    "member_out",
    "audit_read",
    "write",
    "serialize_response",
    "jsonable_encoder",
    "read_household_fast",
)


def component(filename: str, function: str) -> str:
    if filename == "~":
        if "greenlet" in function:
            return "greenlet switches (SQLAlchemy async)"
        if "cryptography" in function or "openssl" in function:
            return "cryptography (AES-GCM, ECDSA)"
        return "builtins (" + function.split(" of ")[0].removeprefix("<").strip() + ")"
    for marker, name in COMPONENTS:
        if marker in filename:
            return name
    return "stdlib and other: " + Path(filename).name


async def sign_in(client: httpx.AsyncClient, username: str) -> str:
    from app.demo.identity import DEFAULT_DEMO_PASSWORD

    response = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": DEFAULT_DEMO_PASSWORD},
    )
    response.raise_for_status()
    token: str = response.json()["access_token"]
    return token


async def scenario_ids(dsn: str, sql: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        return [str(row[0]) for row in await conn.fetch(sql)]
    finally:
        await conn.close()


async def run(args: argparse.Namespace) -> int:
    # As `sanzhu serve --no-worker`: no job worker polling in the profiled process.
    os.environ["SANZHU_RUN_WORKER_IN_PROCESS"] = "false"
    from app.main import create_app

    scenario = SCENARIOS[args.scenario]
    settings = Settings()
    ids = list(scenario.fixed_ids) or await scenario_ids(
        asyncpg_dsn(settings.database_url), scenario.ids_sql
    )
    app = create_app()
    path = scenario.path
    login = getattr(scenario.login, "keywords", {}).get("username", "admin")
    rng = random.Random(1)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            token = await sign_in(client, login)
            headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

            async def burst(count: int) -> None:
                for _ in range(count):
                    url = path.replace("{id}", rng.choice(ids))
                    response = await client.get(url, headers=headers)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")

            await burst(args.warmup)
            started, cpu = time.perf_counter(), time.process_time()
            await burst(args.requests)
            plain_ms = (time.perf_counter() - started) * 1000 / args.requests
            cpu_ms = (time.process_time() - cpu) * 1000 / args.requests
            # CPU time, not wall time: waiting for the database is not the app's cost.
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            await burst(args.requests)
            profiler.disable()
    print(
        f"{scenario.name}: {args.requests} sequential "
        f"requests as {login}; without the profiler {plain_ms:.2f} ms per request, "
        f"{cpu_ms:.2f} ms of it CPU (client included)"
    )
    if args.save:
        profiler.dump_stats(args.save)
    report(pstats.Stats(profiler), args.requests, args.top)
    return 0


def report(stats: pstats.Stats, requests: int, top: int) -> None:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    by_component: Counter[str] = Counter()
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        by_component[component(filename, function)] += tottime
    total = sum(by_component.values())
    print(f"\nCPU self time per component (profiled: {total * 1000 / requests:.2f} ms per request)")
    for name, seconds in by_component.most_common(top):
        print(f"  {seconds * 1000 / requests:7.3f} ms {100 * seconds / total:5.1f} %  {name}")
    print("\ncumulative CPU time of the app's functions, per request")
    for (filename, line, function), (_cc, calls, _tt, cumtime, _callers) in sorted(
        raw.items(), key=lambda item: -item[1][3]
    ):
        if "/app/" in filename and function in APP_FUNCTIONS:
            where = f"{filename.split('/app/', 1)[1]}:{line}"
            print(
                f"  {cumtime * 1000 / requests:7.3f} ms {100 * cumtime / total:5.1f} %"
                f"  {calls / requests:4.1f} calls  {function} ({where})"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="households_get", choices=sorted(SCENARIOS))
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", help="Also write the cProfile stats to this file.")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
