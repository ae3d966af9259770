"""Prebuilt statements run below SQLAlchemy's engine layer on PostgreSQL.

A read of one household runs on every GET of the ledger, and there
SQLAlchemy's execution machinery (execution contexts, parameter and result
objects, a greenlet hop per call) cost as much CPU as asyncpg itself
(docs/performance.md). A `DirectStatement` is a Core statement compiled
once per dialect. On PostgreSQL it runs on the pooled asyncpg connection
itself, with asyncpg's prepared-statement cache and SQLAlchemy's own bind
and result processors for each column, so values come out as they would
through SQLAlchemy; on SQLite it runs through SQLAlchemy as usual. The
connection comes from, and goes back to, SQLAlchemy's pool either way, and a
failure is raised as the same `sqlalchemy.exc.DBAPIError` subclass that
SQLAlchemy would raise (a broken connection is invalidated).
"""

import contextlib
from collections import namedtuple
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.util import greenlet_spawn

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement's SQL for one dialect, the order and processing of its parameters,
    and the row type of its results."""

    sql: str
    names: tuple[str, ...]
    defaults: Mapping[str, Any]
    binders: tuple[Processor, ...]
    results: tuple[Processor, ...]
    row: Callable[..., Any] | None

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, binder in zip(self.names, self.binders, strict=True):
            value = parameters[name] if name in parameters else self.defaults[name]
            values.append(value if binder is None or value is None else binder(value))
        return values

    def rows(self, records: Sequence[Any]) -> list[Any]:
        assert self.row is not None
        make, results = self.row, self.results
        return [
            make(*[v if p is None or v is None else p(v) for p, v in zip(results, r, strict=True)])
            for r in records
        ]


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    assert compiled.positiontup is not None
    names = tuple(compiled.positiontup)
    binds = compiled.binds
    binders = tuple(binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names)
    defaults = {n: binds[n].effective_value for n in names if not binds[n].required}
    columns = getattr(statement, "selected_columns", None)
    if columns is None:
        return _Compiled(compiled.string, names, defaults, binders, (), None)
    results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    # Unlabelled expressions get positional names; their values are still row[i].
    row = namedtuple("Row", columns.keys(), rename=True)  # type: ignore[misc]
    return _Compiled(compiled.string, names, defaults, binders, results, row)


class DirectStatement:
    """A Core statement (select or insert with named bind parameters), compiled once per dialect."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def compiled_for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return found


class DirectConnection(Protocol):
    """One connection inside one transaction."""

    async def all(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> list[Any]:
        """Every row; each has the statement's column names as attributes."""

    async def first(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> Any:
        """The first row, or None."""

    async def execute(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> None:
        """Run a statement that returns no rows."""


class _AsyncpgConnection:
    def __init__(self, pooled: PoolProxiedConnection, dialect: Dialect) -> None:
        self._pooled = pooled
        driver = pooled.driver_connection
        assert driver is not None
        self._driver: Any = driver
        self._dialect = dialect

    async def all(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> list[Any]:
        compiled = statement.compiled_for(self._dialect)
        try:
            records = await self._driver.fetch(compiled.sql, *compiled.arguments(parameters))
        except Exception as error:
            self.fail(error, compiled.sql)
        return compiled.rows(records)

    async def first(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> Any:
        rows = await self.all(statement, parameters)
        return rows[0] if rows else None

    async def execute(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> None:
        compiled = statement.compiled_for(self._dialect)
        try:
            await self._driver.execute(compiled.sql, *compiled.arguments(parameters))
        except Exception as error:
            self.fail(error, compiled.sql)

    def in_transaction(self) -> bool:
        return bool(self._driver.is_in_transaction())

    async def command(self, sql: str) -> None:
        """A statement without parameters or rows (simple query protocol)."""
        try:
            await self._driver.execute(sql)
        except Exception as error:
            self.fail(error, sql)

    def fail(self, error: Exception, sql: str | None) -> NoReturn:
        """Raise `error` as SQLAlchemy would have: translated by its asyncpg adapter,
        wrapped in a `DBAPIError`, the connection invalidated if it is broken."""
        try:
            self._pooled.dbapi_connection._handle_exception(error)  # type: ignore[union-attr]
        except Exception as translated:
            dbapi = self._dialect.loaded_dbapi
            if not isinstance(translated, dbapi.Error):
                raise
            broken = self._dialect.is_disconnect(translated, self._pooled, None)
            if broken:
                self._pooled.invalidate(translated)
            raise sa_exc.DBAPIError.instance(
                sql,
                None,
                translated,
                dbapi.Error,
                connection_invalidated=broken,
                dialect=self._dialect,
            ) from error
        raise AssertionError("the adapter did not raise")  # pragma: no cover


class _EngineConnection:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def all(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> list[Any]:
        return list((await self._connection.execute(statement.statement, parameters)).all())

    async def first(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> Any:
        return (await self._connection.execute(statement.statement, parameters)).first()

    async def execute(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> None:
        await self._connection.execute(statement.statement, parameters)


def transaction(
    engine: AsyncEngine, *, commit: bool
) -> contextlib.AbstractAsyncContextManager[DirectConnection]:
    """A pooled connection in one transaction, committed at the end if `commit` and
    the block succeeded, else rolled back."""
    if engine.dialect.name == "postgresql":
        return _asyncpg_transaction(engine, commit=commit)
    return _engine_transaction(engine, commit=commit)


@contextlib.asynccontextmanager
async def _engine_transaction(
    engine: AsyncEngine, *, commit: bool
) -> AsyncIterator[DirectConnection]:
    async with engine.connect() as connection, connection.begin() as begun:
        yield _EngineConnection(connection)
        if not commit:
            await begun.rollback()


BEGIN = "BEGIN; SET LOCAL plan_cache_mode = auto"
"""One round trip. The app's sessions plan every execution with its values
(`db.postgres_session_settings`) because a generic plan of a filtered list
can be very slow; direct statements are lookups by key, whose generic plan
is their custom plan, so they keep PostgreSQL's own plan cache (planning
each execution measured a sixth of the household read's throughput)."""


@contextlib.asynccontextmanager
async def _asyncpg_transaction(
    engine: AsyncEngine, *, commit: bool
) -> AsyncIterator[DirectConnection]:
    pooled = await engine.raw_connection()
    try:
        connection = _AsyncpgConnection(pooled, engine.dialect)
        await connection.command(BEGIN)
        try:
            yield connection
        except BaseException:
            # The block's own error is the one to report, not a failed rollback's
            # (which has invalidated a broken connection already).
            with contextlib.suppress(Exception):
                await connection.command("ROLLBACK")
            raise
        await connection.command("COMMIT" if commit else "ROLLBACK")
    finally:
        # Back to the pool, whose reset-on-return knows nothing of this transaction:
        # a connection still inside it (its end was interrupted) is not reused.
        if pooled.is_valid and connection.in_transaction():
            pooled.invalidate()
        await greenlet_spawn(pooled.close)
