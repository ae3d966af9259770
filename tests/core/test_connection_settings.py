"""Settings every connection of the app gets, on whichever database the suite runs."""

from sqlalchemy import text

from app.core.db import Database


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
