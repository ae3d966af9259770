"""Test databases, the app and an HTTP client.

SQLite (default): the schema is migrated once into a template file, and
every test gets its own copy. PostgreSQL (`TEST_DATABASE_URL`): one database
per run, migrated once and emptied (TRUNCATE) before each test. Either way
tests are isolated and may run in any order, and concurrency tests open
their own connections.

Under pytest-xdist every worker is its own session: on SQLite it migrates its
own template; on PostgreSQL it creates, migrates and at the end drops its own
database, named after the given one and the worker (`sanzhu_test_gw0`); the
given database itself is then left alone. Without xdist the given database is
used, as before.
"""

import asyncio
import copy
import os
import re
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import hypothesis
import pytest
from fastapi import FastAPI
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from app.core.auth import Actor
from app.core.clock import business_today
from app.core.config import Settings
from app.core.db import Database, create_engine
from app.core.migrations import upgrade_head
from app.main import create_app
from app.models import Base
from tests.factories import DEMO_PASSWORD

# Shared 2-core CI machines make per-example timing meaningless; correctness is what we test.
hypothesis.settings.register_profile("sanzhu", deadline=None, print_blob=True)
hypothesis.settings.load_profile("sanzhu")


def worker_database_url(url: str | None, worker: str | None) -> str | None:
    """The database of this xdist worker: the given URL's database name plus
    `_<worker>`; the given URL itself outside xdist."""
    if not url or not worker or worker == "master":
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    if not re.fullmatch(r"[A-Za-z0-9_]{1,63}", name):
        raise pytest.UsageError(f"TEST_DATABASE_URL: unusable worker database name {name!r}")
    return parsed.set(database=name).render_as_string(hide_password=False)


GIVEN_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# What the tests use (and what `from tests.conftest import TEST_DATABASE_URL`
# gives): this worker's database. The environment says the same, for anything
# that reads it there.
TEST_DATABASE_URL = worker_database_url(GIVEN_DATABASE_URL, os.environ.get("PYTEST_XDIST_WORKER"))
if TEST_DATABASE_URL:
    os.environ["TEST_DATABASE_URL"] = TEST_DATABASE_URL
TEST_SECRET = "test-secret-key-with-at-least-32-characters"
READER = "reader"


async def _create_or_drop_database(url: str, create: bool) -> None:
    """DROP (a leftover of an interrupted run) and, with `create`, CREATE the
    database of `url`, through the server's `postgres` maintenance database."""
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        if create:
            await connection.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def migrated_source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The PostgreSQL URL, or the path of the SQLite template, migrated to head."""
    if TEST_DATABASE_URL:
        own_database = TEST_DATABASE_URL != GIVEN_DATABASE_URL
        if own_database:
            asyncio.run(_create_or_drop_database(TEST_DATABASE_URL, create=True))
        try:
            upgrade_head(TEST_DATABASE_URL)
            yield TEST_DATABASE_URL
        finally:
            if own_database:
                asyncio.run(_create_or_drop_database(TEST_DATABASE_URL, create=False))
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_head(f"sqlite+aiosqlite:///{path}")
    yield str(path)


async def _truncate_all(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def database_url(migrated_source: str, tmp_path: Path) -> str:
    if TEST_DATABASE_URL:
        await _truncate_all(migrated_source)
        return migrated_source
    target = tmp_path / "test.db"
    shutil.copyfile(migrated_source, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        state_dir=tmp_path / "state",
        run_worker_in_process=False,
        cors_origins=["https://ledger.example.cn"],
        worker_poll_seconds=0.05,
        password_hash_memory_kib=1024,
        login_slowdown_seconds=0,
        demo_password=DEMO_PASSWORD,
    )


@pytest.fixture
async def one_connection_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine of the test database whose pool holds one connection, so every
    checkout gets the same one."""
    one = settings.model_copy(update={"db_pool_size": 1, "db_max_overflow": 0})
    engine = create_engine(one, settings.database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    yield application
    await application.state.services.database.dispose()


@pytest.fixture
def database(app: FastAPI) -> Database:
    database: Database = app.state.services.database
    return database


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client without credentials."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def sign_in(http: httpx.AsyncClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """An access token through the real token endpoint."""
    response = await http.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture
async def client(app: FastAPI, anonymous: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A client signed in as `reader`, an auditor with no scope: it may read reference data."""
    from app.core.audit import AuditContext
    from app.core.permissions import Role
    from app.identity import users
    from app.identity.schemas import UserCreate

    database: Database = app.state.services.database
    async with database.sessionmaker() as session, session.begin():
        data = UserCreate(
            username=READER, display_name="读者", role=Role.auditor, password=DEMO_PASSWORD
        )  # type: ignore[arg-type]
        await users.create(
            session,
            AuditContext(None, None, None, None),
            app.state.services.password_hasher,
            data,
            min_length=1,
        )
    token = await sign_in(anonymous, READER)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as http:
        yield http


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A session for arranging data; call `await session.commit()` to publish it."""
    async with database.sessionmaker() as db_session:
        yield db_session


@pytest.fixture
async def pipeline_client(
    app: FastAPI, session: AsyncSession, client: httpx.AsyncClient
) -> AsyncIterator[httpx.AsyncClient]:
    """A signed-in client on the app plus the test-only routes of tests/support.py, with demo data."""
    from tests import support
    from tests.factories import create_demo_district

    support.install(app)
    await create_demo_district(session)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=client.headers
    ) as http:
        yield http


@pytest.fixture(scope="session")
def contract_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The app's OpenAPI document, built once per worker: it depends on the routes alone, never
    on the settings or the database, and building it takes seconds."""
    unused = tmp_path_factory.mktemp("contract") / "unused.db"
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{unused}",
        secret_key=TEST_SECRET,
        state_dir=unused.parent / "state",
        run_worker_in_process=False,
    )
    return create_app(settings).openapi()


@pytest.fixture
def document(contract_document: dict[str, Any]) -> dict[str, Any]:
    """The app's OpenAPI document, as the contract tests read it: a copy a test may change."""
    return copy.deepcopy(contract_document)


@pytest.fixture
def today_is(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """Set the business date the requests' actors see (`Actor.today`), so a test walks past
    a day without waiting for it. The tokens' clock and an organisation's reach (`Reach.on`,
    fixed when the actor is built) keep the real day."""
    current: list[date] = []

    def set_day(day: date) -> None:
        current[:] = [day]

    monkeypatch.setattr(
        Actor, "today", property(lambda _actor: current[0] if current else business_today())
    )
    return set_day
