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
import dataclasses
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
from sqlalchemy.types import TypeEngine
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
    column_types: tuple[TypeEngine[Any], ...]
    row: Callable[..., Any] | None
    results: tuple[Processor, ...] | None = None
    """Known from the first run: a result processor may depend on the server's column type."""

    def with_result_types(self, dialect: Dialect, type_oids: Sequence[int]) -> "_Compiled":
        results = tuple(
            t.dialect_impl(dialect).result_processor(dialect, oid)
            for t, oid in zip(self.column_types, type_oids, strict=True)
        )
        return dataclasses.replace(self, results=results)

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, binder in zip(self.names, self.binders, strict=True):
            if name in parameters:
                value = parameters[name]
            elif name in self.defaults:
                value = self.defaults[name]
            else:
                message = f"A value is required for bind parameter {name!r}"
                raise sa_exc.StatementError(
                    message, self.sql, None, sa_exc.InvalidRequestError(message)
                )
            # As SQLAlchemy does, None goes through the converter too (JSON makes it 'null').
            values.append(value if binder is None else binder(value))
        return values

    def rows(self, records: Sequence[Any]) -> list[Any]:
        assert self.row is not None
        assert self.results is not None
        make, results = self.row, self.results
        return [
            make(*[v if p is None else p(v) for p, v in zip(results, r, strict=True)])
            for r in records
        ]


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    assert compiled.positiontup is not None
    # Expanding IN lists and literal-rendered values are rendered per execution,
    # which is what a statement compiled once cannot do.
    assert not compiled.literal_execute_params
    assert not compiled.post_compile_params
    names = tuple(compiled.positiontup)
    binds = compiled.binds
    binders = tuple(binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names)
    defaults = {n: binds[n].effective_value for n in names if not binds[n].required}
    columns = getattr(statement, "selected_columns", None)
    if columns is None:
        return _Compiled(compiled.string, names, defaults, binders, (), None)
    # Unlabelled expressions get positional names; their values are still row[i].
    row = namedtuple("Row", columns.keys(), rename=True)  # type: ignore[misc]
    return _Compiled(compiled.string, names, defaults, binders, tuple(c.type for c in columns), row)


class DirectStatement:
    """A Core statement (select or insert with named bind parameters), compiled once per dialect."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def compiled_for(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _compile(self.statement, dialect)
        return found

    def learn_result_types(self, dialect: Dialect, type_oids: Sequence[int]) -> _Compiled:
        key = (dialect.name, dialect.driver)
        found = self._compiled[key] = self._compiled[key].with_result_types(dialect, type_oids)
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
    def __init__(self, engine: AsyncEngine, pooled: PoolProxiedConnection) -> None:
        self._pool = engine.sync_engine.pool
        self._pooled = pooled
        driver = pooled.driver_connection
        assert driver is not None
        self._driver: Any = driver
        self._dialect = engine.dialect

    @property
    def usable(self) -> bool:
        return self._pooled.is_valid

    async def all(self, statement: DirectStatement, parameters: Mapping[str, Any]) -> list[Any]:
        compiled = statement.compiled_for(self._dialect)
        arguments = compiled.arguments(parameters)
        try:
            if compiled.results is None:
                # Once per statement and process, as SQLAlchemy reads a cursor's description.
                prepared = await self._driver.prepare(compiled.sql)
                type_oids = [a.type.oid for a in prepared.get_attributes()]
                compiled = statement.learn_result_types(self._dialect, type_oids)
            records = await self._driver.fetch(compiled.sql, *arguments)
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
        wrapped in a `DBAPIError`; a lost connection invalidates the pool's older
        connections too, which a restarted server has dropped as well."""
        adapter = self._pooled.dbapi_connection
        if adapter is None:
            raise sa_exc.PendingRollbackError(
                "the connection was invalidated by an earlier error; the transaction is over"
            ) from error
        try:
            adapter._handle_exception(error)
        except Exception as translated:
            dbapi = self._dialect.loaded_dbapi
            if not isinstance(translated, dbapi.Error):
                raise
            broken = self._dialect.is_disconnect(translated, self._pooled, None)
            if broken:
                # What SQLAlchemy's Connection does on a disconnect (its pool API).
                self._pool._invalidate(self._pooled, translated)
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
    the block succeeded, else rolled back. A read-only engine
    (`postgresql_readonly`) begins read-only transactions."""
    if engine.dialect.driver == "asyncpg":
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


def begin_statement(*, read_only: bool) -> str:
    """`BEGIN` and the plan cache mode, in one simple query (one round trip).

    The app's sessions plan every execution with its values
    (`db.postgres_session_settings`), because a generic plan of a filtered
    list can be very slow; direct statements are lookups by key, whose
    generic plan is their custom plan, so they keep PostgreSQL's own plan
    cache (planning each execution cost the household read a sixth of its
    throughput, docs/performance.md). `SET LOCAL` ends with the transaction.
    """
    return f"BEGIN{' READ ONLY' if read_only else ''}; SET LOCAL plan_cache_mode = auto"


@contextlib.asynccontextmanager
async def _asyncpg_transaction(
    engine: AsyncEngine, *, commit: bool
) -> AsyncIterator[DirectConnection]:
    options = engine.get_execution_options()
    assert "isolation_level" not in options, "direct transactions run at the server's default"
    begin = begin_statement(read_only=bool(options.get("postgresql_readonly")))
    pooled = await engine.raw_connection()
    connection = _AsyncpgConnection(engine, pooled)
    ended = False
    try:
        await connection.command(begin)
        try:
            yield connection
        except BaseException:
            # The block's own error is the one to report, not a failed rollback's
            # (which has invalidated a broken connection already).
            if connection.usable:
                with contextlib.suppress(Exception):
                    await connection.command("ROLLBACK")
                    ended = True
            raise
        await connection.command("COMMIT" if commit else "ROLLBACK")
        ended = True
    finally:
        # Back to the pool, whose reset-on-return knows nothing of this
        # transaction. A connection whose BEGIN or end did not finish (a
        # cancelled request: asyncpg may not even know yet that BEGIN ran) is
        # never reused.
        if pooled.is_valid and (not ended or connection.in_transaction()):
            pooled.invalidate()
        await greenlet_spawn(pooled.close)
