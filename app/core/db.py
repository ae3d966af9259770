"""Engines, sessions and the declarative base shared by every domain."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVarTuple

from sqlalchemy import JSON, ColumnElement, MetaData, Select, any_, bindparam, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, Result
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    QueryableAttribute,
    Session,
    UOWTransaction,
    mapped_column,
)
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Uuid
from uuid6 import uuid7

from app.core.config import Settings
from app.core.metrics import instrument_pool
from app.core.outage import OutageLog
from app.core.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ReadOnlySessionError(RuntimeError):
    """Something tried to write through a read session."""


class _ReadOnlySyncSession(Session):
    """The synchronous session behind a `ReadSession`: it refuses to flush."""


@event.listens_for(_ReadOnlySyncSession, "before_flush")
def _refuse_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    raise ReadOnlySessionError("a read session does not write; use the request's write session")


class ReadSession(AsyncSession):
    """A session for reads, which may be served by a replica; a flush raises.

    Functions that only read take a `ReadSession`; functions that write take a
    `WriteSession`, a subtype: passing a read session where a write is needed
    fails type checking, and at run time its flush raises.
    """

    sync_session_class: type[Session] = _ReadOnlySyncSession


class WriteSession(ReadSession):
    """The request's primary session: a read session that also writes."""

    sync_session_class = Session


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


def _configure_sqlite(engine: AsyncEngine, settings: Settings, *, read_only: bool) -> None:
    """WAL, foreign keys and a busy timeout on every connection; the read engine's
    connections refuse to write (`query_only`).

    pysqlite's own transaction handling is switched off so that we emit BEGIN
    ourselves: writers take the write lock up front (BEGIN IMMEDIATE) and wait
    for it, instead of failing halfway when a deferred read upgrades.
    """
    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(settings.sqlite_busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        if read_only:
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def postgres_session_settings(settings: Settings) -> dict[str, str]:
    """Settings of every PostgreSQL session the app opens (the bench baseline's too)."""
    return {
        "statement_timeout": str(settings.db_statement_timeout_ms),
        "application_name": "sanzhu",
    }


async def plan_with_values(session: ReadSession) -> None:
    """Have PostgreSQL plan the transaction's next statements with their parameter values.

    asyncpg prepares every statement; after five runs PostgreSQL may switch to
    a generic plan chosen without the values, which for the ledger's filtered
    list (address text, sparse codes) measured 0.5-0.9 s instead of
    milliseconds (docs/performance.md). Lookups by key keep the plan cache;
    a query whose best plan depends on its values calls this first. SQLite
    plans every statement with its values anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def create_engine(settings: Settings, url: str, *, read_only: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000}
        )
        _configure_sqlite(engine, settings, read_only=read_only)
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
        self.outage = OutageLog()
        self.engine = create_engine(settings, settings.database_url)
        read_url = settings.read_database_url
        # Reads begin READ ONLY on PostgreSQL even without a replica, so a statement that
        # writes through a read session fails as an ORM flush on one does.
        self.primary_read_engine = (
            create_engine(settings, settings.database_url, read_only=True)
            if settings.is_sqlite
            else self.engine.execution_options(postgresql_readonly=True)
        )
        self.read_engine = (
            create_engine(settings, read_url, read_only=True)
            if read_url
            else self.primary_read_engine
        )
        self.sessionmaker = async_sessionmaker(
            self.engine, class_=WriteSession, expire_on_commit=False
        )
        self.read_sessionmaker = async_sessionmaker(
            self.read_engine, class_=ReadSession, expire_on_commit=False
        )
        self.primary_read_sessionmaker = async_sessionmaker(
            self.primary_read_engine, class_=ReadSession, expire_on_commit=False
        )
        """Reads that must not lag behind a write (is a user active, a sign-in live):
        the primary, read only, never a replica; on SQLite without the write lock."""

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        disposed = {self.engine.sync_engine.pool}
        await self.engine.dispose()
        for engine in (self.primary_read_engine, self.read_engine):
            if engine.sync_engine.pool not in disposed:
                disposed.add(engine.sync_engine.pool)
                await engine.dispose()


Columns = TypeVarTuple("Columns")


def among(
    session: ReadSession, column: QueryableAttribute[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """`column IN values` for a batch of keys. On PostgreSQL one array parameter (`= ANY`):
    the statement is rendered and prepared once whatever the batch's size, its keys sent
    as one value; elsewhere an IN list (SQLite has no arrays)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


async def column_rows(session: ReadSession, statement: Select[*Columns]) -> Result[*Columns]:
    """Run a select of columns on the session's connection (its transaction), past the ORM's
    result machinery: rows as Core returns them, each value through its column type (Money
    to yuan, and so on), no entity loading. For set-based reads of many rows per statement
    (a simulation's batches), where that machinery costs more than the query."""
    connection = await session.connection()
    return await connection.execute(statement)


def dialect_insert(
    session: AsyncSession | AsyncEngine | Engine, table: Any
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that offers `on_conflict_do_nothing/do_update` on both dialects."""
    bind = session.get_bind() if isinstance(session, AsyncSession) else session
    if bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class json_rows(FunctionElement[Any]):  # noqa: N801 - an SQL function, named as SQL names them
    """Aggregate: the values of each row as a JSON array, all rows as a JSON array of them
    (`[]` when there are none): PostgreSQL's `json_agg(json_build_array(...))`, SQLite's
    `json_group_array(json_array(...))`. Rows come in no particular order."""

    type = JSON()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows, "postgresql")
def _json_rows_postgresql(element: json_rows, compiler: Any, **kw: Any) -> str:
    values = compiler.process(element.clauses, **kw)
    return f"coalesce(json_agg(json_build_array({values})), '[]'::json)"


@compiles(json_rows, "sqlite")
def _json_rows_sqlite(element: json_rows, compiler: Any, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"
