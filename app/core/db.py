"""Engines, sessions and the declarative base shared by every domain."""

import uuid
from datetime import UTC, datetime
from typing import Any, NewType

from sqlalchemy import MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import Uuid
from uuid6 import uuid7

from app.core.config import Settings
from app.core.metrics import instrument_pool
from app.core.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ReadSession = NewType("ReadSession", AsyncSession)
"""A session for reads that may be served by a replica; never flushed."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """Time-ordered UUIDv7: unguessable outside, index-friendly inside."""
    return uuid.UUID(bytes=uuid7().bytes)


def uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(Uuid, primary_key=True, default=new_id)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def _configure_sqlite(engine: AsyncEngine, settings: Settings, *, begin: str) -> None:
    """WAL, foreign keys and a busy timeout on every connection.

    pysqlite's own transaction handling is switched off so that we emit BEGIN
    ourselves: writers take the write lock up front (BEGIN IMMEDIATE) and wait
    for it, instead of failing halfway when a deferred read upgrades.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(settings.sqlite_busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def postgres_session_settings(settings: Settings) -> dict[str, str]:
    """Settings of every PostgreSQL session the app opens (the bench baseline's too)."""
    return {
        "statement_timeout": str(settings.db_statement_timeout_ms),
        "application_name": "sanzhu",
        # asyncpg prepares every statement; after five runs PostgreSQL may
        # switch to a generic plan chosen without the parameter values,
        # which for the ledger's filtered lists (address text, sparse
        # codes) measured 0.5-0.9 s instead of milliseconds
        # (docs/performance.md). Plans are cheap next to that risk.
        "plan_cache_mode": "force_custom_plan",
    }


def create_engine(settings: Settings, url: str, *, read_only: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000}
        )
        _configure_sqlite(engine, settings, begin="BEGIN" if read_only else "BEGIN IMMEDIATE")
    else:
        engine = create_async_engine(
            url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_seconds,
            pool_recycle=1800,
            connect_args={"server_settings": postgres_session_settings(settings)},
        )
        if read_only:
            engine = engine.execution_options(postgresql_readonly=True)
    instrument_pool(engine.sync_engine.pool, "read" if read_only else "primary")
    return engine


class Database:
    """The primary engine, an optional read engine, and their session factories."""

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings, settings.database_url)
        read_url = settings.read_database_url
        self.read_engine = (
            create_engine(settings, read_url, read_only=True)
            if read_url
            else create_engine(settings, settings.database_url, read_only=True)
            if settings.is_sqlite
            else self.engine
        )
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self.read_sessionmaker = async_sessionmaker(
            self.read_engine, expire_on_commit=False, autoflush=False
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def dialect_insert(
    session: AsyncSession | AsyncEngine | Engine, table: Any
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that offers `on_conflict_do_nothing/do_update` on both dialects."""
    bind = session.get_bind() if isinstance(session, AsyncSession) else session
    if bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
