"""EXPLAIN (ANALYZE, BUFFERS) of the household list's SQL, exactly as the app issues it.

    SANZHU_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/DB .venv/bin/python bench/explain.py
    ... bench/explain.py --filters address=龙山大道 --filters region=500112001,target_type=tekun

For each filter set of `LIST_FILTERS` (or those given), it runs the app's own
`app.households.record.listing.search` (and `page_details` on the page it found) as
the demo district officer or street officer, captures the statements
SQLAlchemy sends (an engine event), and runs each again under
`EXPLAIN (ANALYZE, BUFFERS)` with the same parameters, on the same
connection. Prints the statement, the parameters and the plan.
"""

import argparse
import asyncio
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine  # noqa: E402

from app.core.config import Settings  # noqa: E402
from app.core.pagination import DEFAULT_LIMIT, CursorCodec, PageRequest  # noqa: E402
from app.core.permissions import Role  # noqa: E402
from app.core.principals import Principal  # noqa: E402
from app.core.reach import reach_of  # noqa: E402
from app.households.record import listing  # noqa: E402
from app.households.record.listing import HouseholdFilters  # noqa: E402
from bench.scenarios import LIST_FILTERS  # noqa: E402

USERS = {"district_officer": Role.district_officer, "street_officer": Role.street_officer}


def parse_filters(spec: str) -> tuple[str, dict[str, str]]:
    """`user:key=value,key=value` or `key=value,...` (as the district officer)."""
    user, _, rest = spec.rpartition(":")
    pairs = dict(item.split("=", 1) for item in rest.split(",") if item)
    return user or "district_officer", pairs


def to_filters(query: dict[str, str]) -> HouseholdFilters:
    """What the route makes of these query parameters (router.list_households)."""
    status = query.get("status", "active")
    complete = query.get("complete")
    return HouseholdFilters(
        region=query.get("region"),
        status=None if status == "all" else status,
        target_type=query.get("target_type"),
        category=query.get("category"),
        cause=query.get("cause"),
        need=query.get("need"),
        complete=None if complete is None else complete == "true",
        address=query["address"].strip() if query.get("address") else None,
    )


def _literal(value: Any) -> str:
    """A parameter as an SQL literal (EXECUTE in EXPLAIN takes no bound parameters)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


async def explain(
    session: AsyncSession, statement: str, parameters: Any, *, generic: bool
) -> list[str]:
    """The plan of `statement` with `parameters`; with `generic`, of the prepared statement.

    EXPLAIN of a statement with parameters plans it for those values (a custom
    plan). The app's statements are prepared (asyncpg) and PostgreSQL may
    switch them to a generic plan, made without the values, after five
    executions; `PREPARE` and `EXPLAIN EXECUTE` under `force_generic_plan`
    show that plan.
    """
    connection = await session.connection()
    if not generic:
        raw = await connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
        )
        return [row[0] for row in raw]
    # SET LOCAL: the loop rolls each filter set's transaction back.
    await connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    await connection.exec_driver_sql("PREPARE sz_explain AS " + statement)
    try:
        values = ", ".join(_literal(value) for value in parameters)
        raw = await connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE sz_explain({values})"
        )
        return [row[0] for row in raw]
    finally:
        await connection.exec_driver_sql("DEALLOCATE sz_explain")


async def run(args: argparse.Namespace) -> int:
    settings = Settings()
    engine = create_async_engine(settings.database_url)
    captured: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.startswith("EXPLAIN"):
            captured.append((statement, parameters))

    specs = [parse_filters(s) for s in args.filters] if args.filters else LIST_FILTERS
    codec = CursorCodec(b"explain")
    async with AsyncSession(engine) as session:
        users = {
            name: (row[0], row[1])
            for name, *row in await session.execute(
                text("SELECT username, id, scope_region_code FROM users WHERE username = ANY(:u)"),
                {"u": list(USERS)},
            )
        }
        for user, query in specs:
            user_id, scope = users[user]
            principal = Principal(
                id=uuid.UUID(str(user_id)),
                role=USERS[user],
                scope_region=scope,
                organization_id=None,
                is_client=False,
                token_id="explain",  # noqa: S106 (a label)
            )
            captured.clear()
            page = PageRequest(limit=DEFAULT_LIMIT, cursor=None, codec=codec)
            found, _ = await listing.search(session, reach_of(principal), to_filters(query), page)
            if args.summaries and found:
                await listing.page_details(session, [h.id for h in found])
            statements = list(captured)
            label = "&".join(f"{k}={v}" for k, v in query.items()) or "(no filter)"
            print(f"## {user}: {label}  ({len(found)} rows on the first page)\n")
            for statement, parameters in statements[: None if args.summaries else 1]:
                plan = await explain(session, statement, parameters, generic=args.generic)
                print("```sql")
                print(statement.strip())
                print(f"-- parameters: {parameters}")
                print("```\n```")
                print("\n".join(plan))
                print("```\n")
            await session.rollback()
    await engine.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--filters",
        action="append",
        help="[user:]key=value,... (repeatable); default: the list scenario's filter sets",
    )
    parser.add_argument(
        "--summaries", action="store_true", help="Also explain the page's summary queries."
    )
    parser.add_argument(
        "--generic",
        action="store_true",
        help="Show the generic plans (plan_cache_mode = force_generic_plan), which PostgreSQL "
        "may switch a prepared statement to after five executions.",
    )
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
