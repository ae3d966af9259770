"""core.direct: prebuilt statements give what SQLAlchemy gives, in one transaction each.

On PostgreSQL they run on the asyncpg connection itself, so these tests hold
that path to SQLAlchemy's own results and error types; on SQLite they run
through SQLAlchemy and must behave the same way.
"""

import asyncio
import contextlib
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Boolean, Date, Numeric, bindparam, func, insert, literal, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core import direct
from app.core.audit import AuditEvent
from app.core.config import Settings
from app.core.db import Database, create_engine, new_id
from app.core.direct import DirectStatement
from tests.conftest import TEST_DATABASE_URL

_events = AuditEvent.__table__
_INSERT = DirectStatement(
    insert(AuditEvent).values(
        id=bindparam("id", type_=_events.c.id.type),
        occurred_at=bindparam("occurred_at", type_=_events.c.occurred_at.type),
        action=bindparam("action", type_=_events.c.action.type),
        outcome=literal("success"),
        changed_fields=bindparam("changed_fields", type_=_events.c.changed_fields.type),
    )
)
_BY_ID = select(
    _events.c.id,
    _events.c.occurred_at,
    _events.c.action,
    _events.c.outcome,
    _events.c.changed_fields,
    _events.c.actor,
    literal("constant").label("tag"),
).where(_events.c.id == bindparam("id", type_=_events.c.id.type))
_SELECT = DirectStatement(_BY_ID)
_COUNT = DirectStatement(
    select(func.count()).where(_events.c.action == bindparam("action", type_=_events.c.action.type))
)
_BACKEND_PID = DirectStatement(select(func.pg_backend_pid()))
_TYPED = select(
    literal(date(2024, 2, 29), Date).label("day"),
    literal(True, Boolean).label("yes"),
    literal(Decimal("546.10"), Numeric(12, 2)).label("amount"),
    bindparam("given_day", type_=Date).label("given_day"),
)
_ASYNCPG_ONLY = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="the asyncpg path: SQLite runs through SQLAlchemy itself"
)


async def _sqlalchemy_can_use(engine: AsyncEngine) -> None:
    """SQLAlchemy's own transaction on the pooled connection works: nothing was left open."""
    async with engine.connect() as plain, plain.begin():
        assert await plain.scalar(text("SELECT 1")) == 1


def _event(action: str = "test.direct") -> dict[str, object]:
    return {
        "id": new_id(),
        "occurred_at": datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC),
        "action": action,
        "changed_fields": ["address", "phone"],
    }


async def _count(database: Database, action: str) -> int:
    async with direct.transaction(database.engine, commit=False) as connection:
        row = await connection.first(_COUNT, {"action": action})
    assert row is not None
    return int(row[0])


class TestRows:
    async def test_values_and_types_are_sqlalchemys(self, database: Database) -> None:
        event = _event()
        async with direct.transaction(database.engine, commit=True) as connection:
            await connection.execute(_INSERT, event)
        async with direct.transaction(database.engine, commit=False) as connection:
            row = await connection.first(_SELECT, {"id": event["id"]})
        async with database.engine.connect() as plain:
            expected = (await plain.execute(_BY_ID, {"id": event["id"]})).one()
        assert row is not None
        assert tuple(row) == tuple(expected)
        assert row.id == event["id"]
        assert isinstance(row.id, uuid.UUID)
        assert row.occurred_at == event["occurred_at"]
        assert row.occurred_at.utcoffset() == timedelta(0)
        assert row.changed_fields == ["address", "phone"]
        assert row.outcome == "success"
        assert row.actor is None
        assert row.tag == "constant"

    async def test_dates_booleans_and_decimals_are_sqlalchemys(self, database: Database) -> None:
        parameters = {"given_day": date(2026, 12, 1)}
        async with direct.transaction(database.engine, commit=False) as connection:
            row = await connection.first(DirectStatement(_TYPED), parameters)
        async with database.engine.connect() as plain:
            expected = (await plain.execute(_TYPED, parameters)).one()
        assert row is not None
        assert tuple(row) == tuple(expected)
        assert (row.day, row.yes, row.amount, row.given_day) == (
            date(2024, 2, 29),
            True,
            Decimal("546.10"),
            date(2026, 12, 1),
        )

    async def test_none_goes_through_the_converter_as_in_sqlalchemy(
        self, database: Database
    ) -> None:
        """JSON makes None the JSON value null, which the NOT NULL column takes."""
        event = {**_event("test.none_json"), "changed_fields": None}
        async with direct.transaction(database.engine, commit=True) as connection:
            await connection.execute(_INSERT, event)
        async with database.engine.connect() as plain:
            stored = (await plain.execute(_BY_ID, {"id": event["id"]})).one()
            sql_null = await plain.scalar(
                select(func.count()).where(
                    _events.c.id == event["id"], _events.c.changed_fields.is_(None)
                )
            )
        assert (stored.changed_fields, sql_null) == (None, 0)

    async def test_a_missing_parameter_is_a_statement_error(self, database: Database) -> None:
        async def read_without_id() -> None:
            async with direct.transaction(database.engine, commit=False) as connection:
                await connection.first(_SELECT, {})

        with pytest.raises(StatementError, match="id"):
            await read_without_id()

    async def test_no_match_is_none_and_an_empty_list(self, database: Database) -> None:
        async with direct.transaction(database.engine, commit=False) as connection:
            assert await connection.first(_SELECT, {"id": new_id()}) is None
            assert await connection.all(_SELECT, {"id": new_id()}) == []

    async def test_compiled_once_per_dialect(self, database: Database) -> None:
        dialect = database.engine.dialect
        assert _SELECT.compiled_for(dialect) is _SELECT.compiled_for(dialect)


class TestTransactions:
    async def test_commit_publishes(self, database: Database) -> None:
        async with direct.transaction(database.engine, commit=True) as connection:
            await connection.execute(_INSERT, _event("test.commit"))
        assert await _count(database, "test.commit") == 1

    async def test_without_commit_nothing_stays(self, database: Database) -> None:
        async with direct.transaction(database.engine, commit=False) as connection:
            await connection.execute(_INSERT, _event("test.rollback"))
            row = await connection.first(_COUNT, {"action": "test.rollback"})
            assert row is not None
            assert row[0] == 1
        assert await _count(database, "test.rollback") == 0

    async def test_an_error_in_the_block_rolls_back_and_is_raised(self, database: Database) -> None:
        async def fail_half_way() -> None:
            async with direct.transaction(database.engine, commit=True) as connection:
                await connection.execute(_INSERT, _event("test.half"))
                raise RuntimeError("half way")

        with pytest.raises(RuntimeError, match="half way"):
            await fail_half_way()
        assert await _count(database, "test.half") == 0


class TestErrors:
    async def test_a_constraint_violation_is_sqlalchemys_integrity_error(
        self, database: Database
    ) -> None:
        event = _event("test.twice")

        async def insert_twice() -> None:
            async with direct.transaction(database.engine, commit=True) as connection:
                await connection.execute(_INSERT, event)
                await connection.execute(_INSERT, event)

        with pytest.raises(IntegrityError):
            await insert_twice()
        assert await _count(database, "test.twice") == 0
        async with direct.transaction(database.engine, commit=True) as connection:
            await connection.execute(_INSERT, event)
        assert await _count(database, "test.twice") == 1

    async def test_after_an_error_the_connection_goes_back_clean(
        self, one_connection_engine: AsyncEngine
    ) -> None:
        engine = one_connection_engine

        async def fail_on_a_constraint() -> None:
            async with direct.transaction(engine, commit=True) as connection:
                await connection.execute(_INSERT, {**_event(), "action": None})

        with pytest.raises(IntegrityError):
            await fail_on_a_constraint()
        await _sqlalchemy_can_use(engine)

    @_ASYNCPG_ONLY
    async def test_a_dropped_connection_is_invalidated_and_the_next_works(
        self, database: Database
    ) -> None:
        async def read_after_the_server_dropped_us() -> None:
            async with direct.transaction(database.engine, commit=False) as connection:
                pid = await connection.first(_BACKEND_PID, {})
                assert pid is not None
                async with database.engine.connect() as other:
                    await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid[0]})
                await connection.first(_SELECT, {"id": new_id()})

        with pytest.raises(DBAPIError) as raised:
            await read_after_the_server_dropped_us()
        assert raised.value.connection_invalidated
        assert await _count(database, "test.none") == 0


@_ASYNCPG_ONLY
class TestAsyncpgTransactions:
    async def test_a_cancelled_transaction_never_leaves_the_connection_inside_it(
        self, one_connection_engine: AsyncEngine
    ) -> None:
        """Cancelled at every point, from before BEGIN to after COMMIT, the one pooled
        connection is fit for SQLAlchemy's own next transaction."""
        engine = one_connection_engine
        for turns in range(40):
            started = asyncio.Event()

            async def write(turns: int = turns, started: asyncio.Event = started) -> None:
                started.set()
                async with direct.transaction(engine, commit=True) as connection:
                    await connection.execute(_INSERT, _event(f"test.cancel.{turns}"))

            task = asyncio.create_task(write())
            await started.wait()
            for _ in range(turns):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await _sqlalchemy_can_use(engine)

    async def test_a_read_only_engine_begins_read_only(self, settings: Settings) -> None:
        read_only = create_engine(settings, settings.database_url, read_only=True)
        writable = create_engine(settings, settings.database_url)
        setting = DirectStatement(select(func.current_setting("transaction_read_only")))
        try:
            answers = []
            for engine in (read_only, writable):
                async with direct.transaction(engine, commit=False) as connection:
                    answers.append(await connection.first(setting, {}))
        finally:
            await read_only.dispose()
            await writable.dispose()
        assert [tuple(a) for a in answers] == [("on",), ("off",)]
