"""Migrations: one head, the schema matches the models (alembic check), up and down work."""

import asyncio
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.migrations import alembic_config, head_revision
from app.models import Base


def _diff(url: str) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                    )
                )
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _revision(url: str) -> str | None:
    async def run() -> str | None:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return (
                    await connection.execute(text("SELECT version_num FROM alembic_version"))
                ).scalar()
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_there_is_exactly_one_head() -> None:
    assert head_revision()


def test_migrated_schema_matches_the_models(migrated_source: str) -> None:
    url = migrated_source if "://" in migrated_source else f"sqlite+aiosqlite:///{migrated_source}"
    assert _diff(url) == []
    assert _revision(url) == head_revision()


def test_downgrade_to_base_and_upgrade_again(tmp_path: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/roundtrip.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert _revision(url) is None
    command.upgrade(config, "head")
    assert _diff(url) == []
