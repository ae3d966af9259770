"""Settings every connection of the app gets, on whichever database the suite runs."""

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.db import Database, ReadSession, plan_with_values
from tests.conftest import TEST_DATABASE_URL


async def test_each_connection_is_configured_for_its_database(database: Database) -> None:
    async with database.engine.connect() as connection:
        if database.engine.dialect.name == "postgresql":
            plan_mode = await connection.scalar(text("SHOW plan_cache_mode"))
            timeout = await connection.scalar(text("SHOW statement_timeout"))
            assert plan_mode == "auto"
            assert timeout == "30s"
        else:
            assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert await connection.scalar(text("PRAGMA foreign_keys")) == 1


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="a PostgreSQL setting")
async def test_planning_with_values_lasts_for_its_transaction_only(
    one_connection_engine: AsyncEngine,
) -> None:
    """Lookups by key keep PostgreSQL's plan cache; a list asks for plans made with its
    values (`plan_with_values`), and the next transaction on the same connection does
    not inherit it."""
    setting = text("SELECT current_setting('plan_cache_mode'), pg_backend_pid()")
    async with ReadSession(one_connection_engine) as session:
        await plan_with_values(session)
        inside = (await session.execute(setting)).one()
        await session.commit()
        after = (await session.execute(setting)).one()
    assert inside[0] == "force_custom_plan"
    assert tuple(after) == ("auto", inside[1])
