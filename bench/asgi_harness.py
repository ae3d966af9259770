"""What the in-process benches share (`application_filing.py`, `assessment.py`): a throwaway
PostgreSQL database migrated and seeded with the demo district, the app's settings for a
bench, a pool for the raw asyncpg baseline, calls timed a given number at a time, and the
figures printed the same way.

Both sides run in one process through httpx's ASGI transport (the whole request pipeline,
no sockets), so a ratio compares the app's Python work and statements with the baseline's
statements alone.
"""

import asyncio
import json
import os
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import JSON, Table

from app.core.config import Settings

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "Bench-Demo-Password-9"  # noqa: S105 - a throwaway database
SECRET = "bench-secret-key-with-at-least-32-characters"  # noqa: S105 - a throwaway database


def database_url(base: str, name: str, scheme: str) -> str:
    """`base` (a server URL) aimed at database `name` with `scheme`."""
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit((scheme, parts.netloc, f"/{name}", parts.query, ""))


@contextmanager
def seeded_database(admin: str, prefix: str) -> Iterator[tuple[str, Path]]:
    """A fresh database on the server of `admin`, migrated and seeded with the demo data:
    its SQLAlchemy URL and a state directory. Dropped at the end, whatever happens."""
    name = f"{prefix}_{os.getpid()}"

    async def database(create: bool) -> None:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(database(create=True))
    try:
        url = database_url(admin, name, "postgresql+asyncpg")
        with tempfile.TemporaryDirectory() as state:
            env = {
                **os.environ,
                "SANZHU_DATABASE_URL": url,
                "SANZHU_STATE_DIR": state,
                "SANZHU_SECRET_KEY": SECRET,
                "SANZHU_DEMO_PASSWORD": PASSWORD,
            }
            sanzhu = str(REPO / ".venv" / "bin" / "sanzhu")
            subprocess.run([sanzhu, "migrate"], env=env, check=True, capture_output=True)
            subprocess.run([sanzhu, "seed-demo"], env=env, check=True, capture_output=True)
            yield url, Path(state)
    finally:
        asyncio.run(database(create=False))


def bench_settings(url: str, state: Path) -> Settings:
    """The app as a bench runs it: no worker in process, no login slowdown, and no line per
    request (as bench/run.py runs its servers)."""
    return Settings(
        database_url=url,
        secret_key=SECRET,
        state_dir=state,
        run_worker_in_process=False,
        login_slowdown_seconds=0,
        demo_password=PASSWORD,
        person_lookups_per_minute=600,
        log_level="WARNING",
    )


async def baseline_pool(url: str, size: int) -> asyncpg.Pool:
    """A pool of the app's size on the bench database, for the raw baseline."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    pool: asyncpg.Pool = await asyncpg.create_pool(
        database_url(url, name, "postgresql"), min_size=size, max_size=size
    )
    return pool


def insert(model: Any, row: dict[str, Any]) -> tuple[str, list[Any]]:
    """`INSERT` of one row of a model's table, JSON columns as text (asyncpg's default)."""
    table: Table = model.__table__
    names = list(row)
    values = [json.dumps(row[n]) if isinstance(table.c[n].type, JSON) else row[n] for n in names]
    places = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({places})"  # noqa: S608
    return statement, values


def plain(value: Any) -> Any:
    """A row's values as JSON takes them."""
    if isinstance(value, asyncpg.Record):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, uuid.UUID | date | datetime):
        return str(value)
    return value


async def timed(
    calls: Sequence[Callable[[], Awaitable[None]]], concurrency: int
) -> tuple[float, list[float]]:
    """Wall seconds and each call's seconds, `concurrency` at a time."""
    gate = asyncio.Semaphore(concurrency)
    took: list[float] = []

    async def one(call: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            start = time.perf_counter()
            await call()
            took.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(one(c) for c in calls))
    return time.perf_counter() - start, took


def figures(name: str, unit: str, wall: float, took: list[float]) -> dict[str, float]:
    """Per second, mean, p50 and p95 of one side, printed on one line."""
    ordered = sorted(took)
    found = {
        "per_second": len(took) / wall,
        "mean_ms": statistics.fmean(took) * 1000,
        "p50_ms": ordered[int(0.50 * (len(ordered) - 1))] * 1000,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000,
    }
    print(
        f"{name:9} {found['per_second']:8.1f} {unit}/s  mean {found['mean_ms']:6.2f} ms"
        f"  p50 {found['p50_ms']:6.2f} ms  p95 {found['p95_ms']:6.2f} ms"
    )
    return found
