"""Scenario 3: importing a screening file of 100,000 rows (issue 5; docs/performance.md).

    .venv/bin/python bench/import_bench.py [--rows 100000] [--batch 500] [--dry-run]
    .venv/bin/python bench/import_bench.py --rows 1000000 --dry-run      # the streaming claim

Creates a throwaway PostgreSQL database, migrates it and loads the demo
district; writes a CSV of `--rows` rows (households of 1 to 6 members,
valid unique ID numbers, codes in plausible shares) and queues it as a
street officer's import. A fresh process then runs the import job exactly
as the worker does and reports its own wall time and peak RSS
(`ru_maxrss`), so neither the generator nor the set-up counts. The
database is dropped at the end, whatever happens.
"""

import argparse
import asyncio
import contextlib
import csv
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import asyncpg  # noqa: E402

import app.models  # noqa: E402, F401 - every table, so foreign keys resolve
from app.core.id_numbers import check_character  # noqa: E402
from app.imports.columns import TEMPLATE_COLUMNS  # noqa: E402

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "Bench-Demo-Password-9"  # noqa: S105 - a throwaway database
GRIDS = ("500112001001001", "500112001001002", "500112001002001", "500112001002002")
SIZES = ((1, 25), (2, 30), (3, 20), (4, 14), (5, 7), (6, 4))
"""Members per household and their weight: about 2.6 members on average."""
BIRTH_DAYS = 32_850
"""Ninety years of birth dates from 1930 on; a row's day is a permutation of its number."""

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "秀英桂兰建国志强丽娟海燕玉兰明华小红子涵浩然欣怡梓轩"
RELATIONS = ("配偶", "子女", "子女", "父母", "孙子女")


def id_for(row: int) -> str:
    """A valid ID number unique per row: 999 sequence numbers per birth day."""
    day = date(1930, 1, 1) + timedelta(days=(row // 999) * 31 % BIRTH_DAYS)
    first17 = f"500112{day:%Y%m%d}{row % 999 + 1:03d}"
    return first17 + check_character(first17)


def _pick(rng: random.Random, shares: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in shares], [w for _, w in shares])[0]


def household_rows(rng: random.Random, key: int, first_row: int, size: int) -> list[dict[str, str]]:
    """The rows of one household: the head first, household columns on the head's row."""
    rows = []
    for member in range(size):
        number = id_for(first_row + member)
        row = {
            "姓名": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
            "身份证号": number,
            "与户主关系": "本人" if member == 0 else rng.choice(RELATIONS),
            "联系电话": f"138{rng.randrange(10**8):08d}",
            "就业状况": _pick(rng, (("离退休", 4), ("失业", 2), ("灵活就业", 2), ("在校学生", 1))),
            "文化程度": _pick(rng, (("小学", 3), ("初中", 4), ("高中", 2), ("大学专科", 1))),
            "健康状况": _pick(rng, (("健康", 5), ("患慢性病", 3), ("罹患大病", 1), ("残疾", 1))),
        }
        if int(number[6:10]) < 1960 and rng.random() < 0.3:
            row |= {
                "困难类别": "困境老年人",
                "困难子类": "独居",
                "照料人姓名": "陈桂兰",
                "照料人关系": "邻居",
                "监护人姓名": "李强",
                "监护人关系": "儿子",
            }
        if member == 0:
            row |= {
                "户编号": f"HH{key:07d}",
                "所属区划代码": rng.choice(GRIDS),
                "家庭住址": f"双龙湖街道 {key // 40 + 1} 栋 {key % 40 + 1} 号",
                "户籍类型": _pick(rng, (("城镇", 7), ("农村", 3))),
                "对象类型": _pick(
                    rng, (("低保", 5), ("特困", 1), ("民政特殊困难建档家庭", 2), ("", 2))
                ),
                "致困原因": _pick(rng, (("因病", 4), ("因残", 2), ("失业", 2), ("因学；因病", 1))),
                "帮扶需求": _pick(
                    rng, (("医疗；基本生活", 4), ("就业", 2), ("教育", 1), ("照料护理", 2))
                ),
                "已享受政策": _pick(rng, (("最低生活保障", 5), ("医疗救助", 2), ("无", 2))),
                "帮扶措施": "已入户走访；已链接医疗救助",
            }
            if rng.random() < 0.5:
                row |= {"困难类别": "社会救助", "困难子类": "低保"}
        else:
            row["户编号"] = f"HH{key:07d}"
        rows.append(row)
    return rows


def generate(path: Path, rows: int, seed: int = 20261123) -> int:
    """Write the CSV, streaming; returns the number of households."""
    rng = random.Random(seed)
    written = key = 0
    sizes, weights = zip(*SIZES, strict=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=[c.header for c in TEMPLATE_COLUMNS])
        writer.writeheader()
        while written < rows:
            size = min(rng.choices(sizes, weights)[0], rows - written)
            writer.writerows(household_rows(rng, key, written, size))
            written += size
            key += 1
    return key


def _url(base: str, name: str, scheme: str) -> str:
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit((scheme, parts.netloc, f"/{name}", parts.query, ""))


def _environment(url: str, state: Path, batch: int, rows: int) -> dict[str, str]:
    return {
        **os.environ,
        "SANZHU_DATABASE_URL": url,
        "SANZHU_STATE_DIR": str(state),
        "SANZHU_IMPORT_BATCH_SIZE": str(batch),
        # The file is far larger than a street's; the operator raises the limit for it.
        "SANZHU_IMPORT_MAX_ROWS": str(rows),
        "SANZHU_DEMO_PASSWORD": PASSWORD,
        "SANZHU_PASSWORD_HASH_MEMORY_KIB": "1024",
        "SANZHU_LOG_LEVEL": "WARNING",
    }


async def queue_import(path: Path, dry_run: bool) -> uuid.UUID:
    """Load the demo district and queue the file as the street officer's import (no HTTP)."""
    from app.core.config import Settings
    from app.core.migrations import upgrade_head
    from app.core.security import PasswordHasher
    from app.core.services import build_services
    from app.demo import identity, organizations, regions
    from app.domains import ACCESS_HOOKS
    from app.imports import local

    settings = Settings()
    await asyncio.to_thread(upgrade_head, settings.database_url)
    services = build_services(settings, ACCESS_HOOKS)
    try:
        async with services.database.sessionmaker() as session, session.begin():
            await regions.save_all(session)
            await organizations.save_all(session)
            await identity.save_all(session, PasswordHasher(1024), PASSWORD)
        queued = await local.queue_file(services, path, "street_officer", dry_run=dry_run)
        return queued.id
    finally:
        await services.database.dispose()


def memory_mb(field: str) -> int | None:
    """A memory figure of this process from /proc/self/status (Linux): VmRSS now, VmHWM its peak.

    The peak is reported from VmHWM as well as `ru_maxrss`, because Linux
    carries a parent's `ru_maxrss` over fork and exec into the child.
    """
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024)
    return None


def _server_cpu_seconds(pids: list[int]) -> float | None:
    """CPU time of this process's PostgreSQL backends, when the server runs on this host.

    The job's connections stay in the pool until the end, so their backends
    are alive to be read; None if /proc does not show them.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += int(fields[11]) + int(fields[12])
    return round(total / ticks, 2) if pids else None


async def work(import_id: uuid.UUID) -> dict[str, Any]:
    """Run the import job in this process, as the worker would; report time and peak RSS."""
    from sqlalchemy import select, text

    from app.core.config import Settings
    from app.core.services import build_services
    from app.domains import ACCESS_HOOKS
    from app.imports.models import Import
    from app.imports.processing import run_import

    services = build_services(Settings(), ACCESS_HOOKS)
    database = services.database
    try:
        initial = resource.getrusage(resource.RUSAGE_SELF)
        rss_at_start, cpu_before = memory_mb("VmRSS"), initial.ru_utime + initial.ru_stime
        started = time.perf_counter()
        await run_import(services, import_id)
        seconds = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        async with database.sessionmaker() as session:
            record = (
                await session.execute(select(Import).where(Import.id == import_id))
            ).scalar_one()
            backends = (
                await session.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            ).scalars()
            server_cpu = _server_cpu_seconds(list(backends))
        return {
            "status": record.status,
            "failure": record.failure_code,
            "rows": record.rows_done,
            "households_imported": record.households_imported,
            "households_failed": record.households_failed,
            "errors": record.errors_count,
            "seconds": round(seconds, 2),
            "rows_per_second": round(record.rows_done / seconds),
            "rss_at_start_mb": rss_at_start,
            "peak_rss_mb": memory_mb("VmHWM"),
            "ru_maxrss_mb": round(usage.ru_maxrss / 1024),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime - cpu_before, 2),
            "postgres_cpu_seconds": server_cpu,
        }
    finally:
        await database.dispose()


async def _admin(dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="Households per transaction.")
    parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
    parser.add_argument("--pg-url", default=os.environ.get("SANZHU_BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.work:
        print(json.dumps(asyncio.run(work(uuid.UUID(args.work)))))
        return 0
    name = f"sanzhu_bench_import_{int(time.time())}_{os.getpid()}_{secrets.token_hex(3)}"
    asyncio.run(_admin(args.pg_url, f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="sanzhu-import-bench-") as temp:
            folder = Path(temp)
            env = _environment(
                _url(args.pg_url, name, "postgresql+asyncpg"),
                folder / "state",
                args.batch,
                args.rows,
            )
            os.environ.update(env)
            path = folder / "screening.csv"
            started = time.perf_counter()
            households = generate(path, args.rows)
            print(
                f"generated {args.rows} rows, {households} households, "
                f"{path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"
            )
            import_id = asyncio.run(queue_import(path, args.dry_run))
            result = subprocess.run(
                [sys.executable, __file__, "--work", str(import_id)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                print(result.stderr[-3000:], file=sys.stderr)
                return 1
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            figures |= {"dry_run": args.dry_run, "batch": args.batch, "cpus": os.cpu_count()}
            print(json.dumps(figures, indent=2))
            return 0 if figures["status"] == "succeeded" else 1
    finally:
        asyncio.run(_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    sys.exit(main())
