"""The baseline: raw asyncpg + Starlette running the app's SQL and nothing else.

Every route sends exactly the statements the app sends for the same request,
with the same transaction boundaries (the app's read sessions run BEGIN;
<statements>; ROLLBACK; because they are closed without a commit), on a pool
of the app's default size. It does none of the app's own Python work:
no ORM, no pydantic models, no middleware, no token checks, no decryption.
The harness divides by its figures to show what that work costs.

To see what the app sends, set `log_statement = 'all'` on a bench database
(ALTER DATABASE ... SET log_statement = 'all') and read the server log.

Run by `bench/run.py`; by hand:
    BENCH_DSN=postgresql://postgres@127.0.0.1:5432/DB .venv/bin/python bench/baseline.py --port 8001
"""

import argparse
import contextlib
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

POOL_SIZE = 10
"""The app's default `SANZHU_DB_POOL_SIZE`."""
STATEMENT_TIMEOUT_MS = 30_000
"""The app's default `SANZHU_DB_STATEMENT_TIMEOUT_MS`, set per connection as the app does."""

CODE = re.compile(r"^\d{6}(\d{3}){0,3}$")
LEVEL_LENGTHS = (6, 9, 12, 15)


def _region_select(count: int) -> str:
    """The statement SQLAlchemy renders for `repository.get_many` with `count` codes."""
    params = ", ".join(f"${i}::VARCHAR" for i in range(1, count + 1))
    return (
        "SELECT regions.code, regions.name, regions.level, regions.version, regions.parent_code, "
        "regions.created_at, regions.updated_at \n"
        "FROM regions \n"
        f"WHERE regions.code IN ({params}) ORDER BY regions.code"
    )


REGION_SELECT = {count: _region_select(count) for count in range(1, len(LEVEL_LENGTHS) + 1)}


def _problem(status: int, code: str, request: Request) -> JSONResponse:
    return JSONResponse(
        {"status": status, "code": code, "instance": request.url.path},
        status_code=status,
        media_type="application/problem+json",
    )


async def _read_only(pool: asyncpg.Pool, sql: str, *args: Any) -> list[asyncpg.Record]:
    """One statement in a transaction that is rolled back, as a closed read session does."""
    async with pool.acquire() as conn:
        transaction = conn.transaction()
        await transaction.start()
        try:
            rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
            return rows
        finally:
            await transaction.rollback()


async def regions_get(request: Request) -> Response:
    """GET /api/v1/regions/{code}: BEGIN; SELECT ... WHERE code IN (ancestors) ORDER BY code; ROLLBACK."""
    code: str = request.path_params["code"]
    if not CODE.match(code):
        return _problem(422, "validation_failed", request)
    codes = [code[:length] for length in LEVEL_LENGTHS if length <= len(code)]
    rows = await _read_only(request.app.state.pool, REGION_SELECT[len(codes)], *codes)
    if not rows or rows[-1]["code"] != code:
        return _problem(404, "not_found", request)
    region = rows[-1]
    return JSONResponse(
        {
            "code": region["code"],
            "name": region["name"],
            "level": region["level"],
            "parent_code": region["parent_code"],
            "version": region["version"],
            "path": [{"code": r["code"], "name": r["name"], "level": r["level"]} for r in rows],
        },
        headers={"ETag": f'W/"{region["version"]}"'},  # the app's etag_for_version
    )


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


ROUTES: dict[str, Route] = {
    "regions_get": Route("/api/v1/regions/{code}", regions_get, methods=["GET"]),
}
"""Scenario routes by the name `bench/scenarios.py` refers to them with."""


async def _no_reset(_conn: asyncpg.Connection) -> None:
    """asyncpg's default reset sends a query on every release; SQLAlchemy's pool does not."""


def create_app(dsn: str | None = None) -> Starlette:
    dsn = dsn or os.environ["BENCH_DSN"]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            dsn,
            min_size=POOL_SIZE,
            max_size=POOL_SIZE,
            # SQLAlchemy neither recycles after N queries nor closes idle
            # connections within a bench run; neither does this pool.
            max_queries=2**31 - 1,
            max_inactive_connection_lifetime=0,
            reset=_no_reset,
            server_settings={
                "statement_timeout": str(STATEMENT_TIMEOUT_MS),
                "application_name": "sanzhu-bench-baseline",
            },
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    return Starlette(
        routes=[Route("/healthz", healthz, methods=["GET"]), *ROUTES.values()],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    # The same server settings as `sanzhu serve`, so the HTTP layer costs the same.
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        workers=1,
        proxy_headers=False,
        access_log=False,
        log_config=None,
        log_level="warning",
        server_header=False,
    )


if __name__ == "__main__":
    main()
