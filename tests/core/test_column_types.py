"""Column types behave the same on both databases: aware UTC times, exact money."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select
from sqlalchemy.exc import StatementError

from app.core.db import Database
from app.core.types import Money, UTCDateTime

probe_metadata = MetaData()
probe = Table(
    "column_type_probe",
    probe_metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime),
    Column("amount", Money),
)


@pytest.fixture
async def probe_table(database: Database) -> AsyncIterator[Table]:
    async with database.engine.begin() as connection:
        await connection.run_sync(probe_metadata.create_all)
    yield probe
    async with database.engine.begin() as connection:
        await connection.run_sync(probe_metadata.drop_all)


class TestUTCDateTime:
    async def test_returns_aware_utc_for_any_input_zone(
        self, database: Database, probe_table: Table
    ) -> None:
        shanghai = timezone(timedelta(hours=8))
        written = datetime(2026, 11, 23, 9, 30, tzinfo=shanghai)
        async with database.engine.begin() as connection:
            await connection.execute(insert(probe_table).values(id=1, at=written))
            read = (await connection.execute(select(probe_table.c.at))).scalar_one()
        assert read.tzinfo is not None
        assert read.utcoffset() == timedelta(0)
        assert read == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)

    async def test_refuses_naive_datetimes(self, database: Database, probe_table: Table) -> None:
        async with database.engine.begin() as connection:
            with pytest.raises(StatementError, match="naive datetime refused"):
                await connection.execute(insert(probe_table).values(id=1, at=datetime(2026, 1, 1)))


class TestMoney:
    async def test_sums_in_sql_are_exact(self, database: Database, probe_table: Table) -> None:
        amounts = [Decimal("0.10")] * 10 + [Decimal("0.20")] * 10 + [Decimal("1234567890.01")]
        async with database.engine.begin() as connection:
            await connection.execute(
                insert(probe_table), [{"id": i, "amount": a} for i, a in enumerate(amounts)]
            )
            total = (await connection.execute(select(func.sum(probe_table.c.amount)))).scalar_one()
            stored = (
                await connection.execute(select(probe_table.c.amount).where(probe_table.c.id == 0))
            ).scalar_one()
        assert total == Decimal("1234567893.01")
        assert stored == Decimal("0.10")

    async def test_stored_as_integer_fen(self, database: Database, probe_table: Table) -> None:
        async with database.engine.begin() as connection:
            await connection.execute(insert(probe_table).values(id=1, amount=Decimal("546.00")))
            raw = (
                await connection.execute(select(probe_table.c.amount.cast(Integer)))
            ).scalar_one()
        assert raw == 54600

    async def test_refuses_fractions_of_a_fen(self, database: Database, probe_table: Table) -> None:
        async with database.engine.begin() as connection:
            with pytest.raises(StatementError, match="more than two decimal places"):
                await connection.execute(insert(probe_table).values(id=1, amount=Decimal("0.005")))
