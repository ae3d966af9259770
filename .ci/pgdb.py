"""Create or drop a PostgreSQL database for CI: `pgdb.py create|drop NAME`.

`drop` also drops the databases the test suite's xdist workers make from
NAME (`NAME_gw0`, `NAME_gw1`, ...; tests/conftest.py), which they drop
themselves unless a run is interrupted."""

import asyncio
import re
import sys

import asyncpg

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


async def main(action: str, name: str) -> None:
    if not re.fullmatch(r"[a-z0-9_]{1,63}", name):
        raise SystemExit(f"unsafe database name: {name!r}")
    connection = await asyncpg.connect(ADMIN_DSN)
    try:
        if action == "create":
            await connection.execute(f'CREATE DATABASE "{name}"')
        elif action == "drop":
            workers = await connection.fetch(
                "SELECT datname FROM pg_database WHERE datname ~ $1", f"^{name}_gw[0-9]+$"
            )
            for database in [name, *(row["datname"] for row in workers)]:
                await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        else:
            raise SystemExit(f"unknown action {action!r}")
    finally:
        await connection.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
