"""Migrations: one head, the schema matches the models (alembic check), up and down work."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.audit import AuditContext, AuditEvent, AuditSealState, Outcome, record_now
from app.core.audit_chain import GENESIS, ChainReport, seal, verify_chain
from app.core.config import Settings
from app.core.db import Database
from app.core.migrations import alembic_config, head_revision
from app.models import Base
from tests.api.audit.chain import legacy_digest

LEGACY_COLUMNS = (
    "id",
    "occurred_at",
    "actor",
    "action",
    "outcome",
    "changed_fields",
    "seal_seq",
    "chain_hash",
    "sealed_at",
)


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


async def _seal_legacy_events(url: str, count: int) -> None:
    """Events sealed as before revision 0009 (plain SHA-256), written into its schema."""
    engine = create_async_engine(url)
    previous, at = GENESIS, datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    rows = []
    for seq in range(1, count + 1):
        event = AuditEvent(
            id=uuid.uuid4(),
            occurred_at=at + timedelta(seconds=seq),
            actor="user:x",
            action="user.update",
            outcome="success",
            changed_fields=["role"],
            seal_seq=seq,
            sealed_at=at + timedelta(minutes=1),
        )
        event.chain_hash = previous = legacy_digest(previous, event)
        rows.append({c: getattr(event, c) for c in LEGACY_COLUMNS})
    columns = AuditEvent.__table__.c
    events = sa.table("audit_events", *(sa.column(c, columns[c].type) for c in LEGACY_COLUMNS))
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.insert(events), rows)
            await connection.execute(
                sa.insert(AuditSealState), {"id": 1, "last_seq": count, "last_hash": previous}
            )
    finally:
        await engine.dispose()


async def _verify_then_seal_more(url: str, state_dir: Path) -> tuple[ChainReport, ChainReport]:
    settings = Settings(database_url=url, secret_key="s" * 32, state_dir=state_dir)
    keys, database = settings.audit_keyring(), Database(settings)
    try:
        async with database.sessionmaker() as session, session.begin():
            before = await verify_chain(session, keys)
        context = AuditContext(None, None, None, None)
        await record_now(database, context, "auth.login", outcome=Outcome.denied)
        await seal(database, keys, settings.audit_heads_path)
        async with database.sessionmaker() as session, session.begin():
            after = await verify_chain(session, keys)
    finally:
        await database.dispose()
    return before, after


def test_events_sealed_before_the_chain_was_keyed_still_verify(tmp_path: Path) -> None:
    """Upgrading to the keyed chain (0009) keeps the plain SHA-256 seals verifiable."""
    url = f"sqlite+aiosqlite:///{tmp_path}/legacy.db"
    config = alembic_config(url)
    config.attributes["skip_logging"] = True
    command.upgrade(config, "0008")
    asyncio.run(_seal_legacy_events(url, 4))
    command.upgrade(config, "head")

    before, after = asyncio.run(_verify_then_seal_more(url, tmp_path / "state"))

    assert (before.broken, before.checked, before.legacy) == (None, 4, 4)
    assert (after.broken, after.checked, after.legacy) == (None, 5, 4)
