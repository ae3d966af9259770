"""Settings every connection of the app gets, on whichever database the suite runs."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core import direct
from app.core.db import Database
from app.core.direct import DirectStatement
from tests.conftest import TEST_DATABASE_URL


async def test_each_connection_is_configured_for_its_database(database: Database) -> None:
    async with database.engine.connect() as connection:
        if database.engine.dialect.name == "postgresql":
            plan_mode = await connection.scalar(text("SHOW plan_cache_mode"))
            timeout = await connection.scalar(text("SHOW statement_timeout"))
            assert plan_mode == "force_custom_plan"
            assert timeout == "30s"
        else:
            assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert await connection.scalar(text("PRAGMA foreign_keys")) == 1


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="a PostgreSQL setting")
async def test_direct_statements_keep_the_plan_cache_for_their_transaction_only(
    one_connection_engine: AsyncEngine,
) -> None:
    """Lookups by key through core.direct use PostgreSQL's plan cache; the setting
    ends with their transaction, so a session that gets the same connection
    next plans with values again."""
    engine = one_connection_engine
    setting = DirectStatement(
        select(func.current_setting("plan_cache_mode"), func.pg_backend_pid())
    )
    for _ in range(3):
        async with direct.transaction(engine, commit=False) as connection:
            row = await connection.first(setting, {})
        assert row is not None
        assert row[0] == "auto"
        async with engine.connect() as plain:
            same = await plain.execute(
                text("SELECT current_setting('plan_cache_mode'), pg_backend_pid()")
            )
            assert tuple(same.one()) == ("force_custom_plan", row[1])
