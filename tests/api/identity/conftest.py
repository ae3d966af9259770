"""Identity tests start from the demo district: its users and API clients exist.

Seeding the demo district costs about a quarter of a second, and nearly every
test here needs it. On SQLite it is therefore seeded once per run into a copy
of the migrated template, and each test gets its own copy of that (the same
isolation as tests/conftest.py gives). On PostgreSQL each test seeds it anew
after the usual TRUNCATE.
"""

import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import Database
from app.main import create_app
from tests.api.identity.helpers import headers_for
from tests.conftest import TEST_DATABASE_URL, TEST_SECRET, _truncate_all
from tests.factories import create_demo_district


@pytest.fixture(scope="session")
async def demo_template(
    migrated_source: str, tmp_path_factory: pytest.TempPathFactory
) -> Path | None:
    """SQLite only: the migrated template with the demo district seeded."""
    if TEST_DATABASE_URL:
        return None
    folder = tmp_path_factory.mktemp("demo-template")
    path = folder / "demo.db"
    shutil.copyfile(migrated_source, path)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        secret_key=TEST_SECRET,
        state_dir=folder / "state",
        run_worker_in_process=False,
        password_hash_memory_kib=1024,
    )
    database = Database(settings)
    try:
        async with database.sessionmaker() as session:
            await create_demo_district(session)
    finally:
        await database.dispose()
    return path


@pytest.fixture
async def database_url(migrated_source: str, demo_template: Path | None, tmp_path: Path) -> str:
    """Overrides tests/conftest.py: an isolated database that already holds the demo district
    on SQLite (`demo` seeds it on PostgreSQL)."""
    if demo_template is None:
        await _truncate_all(migrated_source)
        return migrated_source
    target = tmp_path / "test.db"
    shutil.copyfile(demo_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
async def demo(session: AsyncSession, is_postgres: bool) -> None:
    """The demo district (DEMO_USERS, DEMO_CLIENTS) with password factories.DEMO_PASSWORD."""
    if is_postgres:
        await create_demo_district(session)


@pytest.fixture
async def admin(demo: None, anonymous: httpx.AsyncClient) -> dict[str, str]:
    """Authorization headers of the demo admin."""
    return await headers_for(anonymous, "admin")


SecondApp = Callable[..., Any]


@pytest.fixture
def second_app(settings: Settings) -> SecondApp:
    """Another app instance on the same database, with some settings changed."""

    @asynccontextmanager
    async def build(**changes: Any) -> AsyncIterator[httpx.AsyncClient]:
        other: FastAPI = create_app(settings.model_copy(update=changes))
        transport = httpx.ASGITransport(app=other, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http
        finally:
            await other.state.services.database.dispose()

    return build
