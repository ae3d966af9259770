"""Sessions that cannot lie (ENGINEERING 5): a write session is a read session plus writes;
a read session refuses to write, at run time and in type checking; autoflush is on."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import RelationshipProperty

from app.core.db import Database, ReadOnlySessionError, ReadSession, WriteSession
from app.models import Base
from app.organizations.models import Organization

ROOT = Path(__file__).resolve().parents[2]


def test_a_write_session_is_a_read_session() -> None:
    assert issubclass(WriteSession, ReadSession)
    assert not issubclass(ReadSession, WriteSession)


async def test_the_factories_give_the_right_types(database: Database) -> None:
    async with database.sessionmaker() as write, database.read_sessionmaker() as read:
        assert type(write) is WriteSession
        assert type(read) is ReadSession


async def test_a_flush_on_a_read_session_raises_and_writes_nothing(database: Database) -> None:
    async with database.read_sessionmaker() as read:
        read.add(Organization(kind="red_cross", name="不该写入", region_code="500112"))
        with pytest.raises(ReadOnlySessionError):
            await read.flush()
    async with database.read_sessionmaker() as read:
        found = await read.scalar(select(Organization).where(Organization.name == "不该写入"))
    assert found is None


async def test_a_read_session_reads_without_flushing_anything(database: Database) -> None:
    async with database.read_sessionmaker() as read:
        assert list(await read.scalars(select(Organization))) == []


async def test_autoflush_is_on_a_query_sees_what_the_session_holds(database: Database) -> None:
    """SQLAlchemy's default: a query first flushes pending objects, so it never contradicts
    what the session was told."""
    from tests.factories import create_region

    async with database.sessionmaker() as write:
        await create_region(write, "500112", "渝北区")
    async with database.sessionmaker() as write, write.begin():
        write.add(Organization(kind="red_cross", name="待写入", region_code="500112"))
        found = await write.scalar(select(Organization.name).where(Organization.name == "待写入"))
        assert found == "待写入"


def test_every_relationship_raises_on_lazy_load() -> None:
    """Load what a response needs explicitly: an N+1 is an error, not a slowdown."""
    lazy = [
        f"{mapper.class_.__name__}.{prop.key}"
        for mapper in Base.registry.mappers
        for prop in mapper.iterate_properties
        if isinstance(prop, RelationshipProperty) and prop.lazy != "raise"
    ]
    assert lazy == []


def test_passing_a_read_session_where_a_write_is_needed_fails_type_checking(
    tmp_path: Path,
) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from app.core.db import ReadSession, WriteSession\n"
        "async def write(session: WriteSession) -> None: ...\n"
        "async def read(session: ReadSession) -> None: ...\n"
        "async def caller(reading: ReadSession, writing: WriteSession) -> None:\n"
        "    await read(writing)\n"
        "    await write(reading)\n",
        encoding="utf-8",
    )
    checked = subprocess.run(  # noqa: S603 - our own interpreter and file
        [sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent", str(probe)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in checked.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, checked.stdout
    assert "probe.py:6:" in errors[0]
    assert 'incompatible type "ReadSession"; expected "WriteSession"' in errors[0]


async def test_a_statement_that_writes_through_a_read_session_fails(database: Database) -> None:
    """Not only ORM flushes: a read session's transaction is READ ONLY on PostgreSQL, and
    its connections are `query_only` on SQLite."""
    from sqlalchemy import insert
    from sqlalchemy.exc import DBAPIError

    async with database.read_sessionmaker() as read:
        with pytest.raises(DBAPIError, match=r"read-only transaction|readonly database"):
            await read.execute(
                insert(Organization).values(kind="red_cross", name="不该写入", region_code="500112")
            )
