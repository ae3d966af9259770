"""A database and environment for `sanzhu` commands run in-process.

The CLI opens its own engine with `asyncio.run`, which cannot run inside the
test event loop, so these fixtures (and the CLI tests) are synchronous.
"""

import asyncio
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.audit import AuditContext
from app.core.config import Settings
from app.core.permissions import Role
from app.identity import users
from app.identity.schemas import UserCreate
from app.main import create_app
from app.models import Base
from tests.conftest import READER, sign_in
from tests.factories import DEMO_PASSWORD

SECRET = "cli-test-secret-key-with-at-least-32-chars"


async def _truncate(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
def cli_database_url(migrated_source: str, tmp_path: Path) -> str:
    """An empty migrated database: a copy of the SQLite template, or the emptied PostgreSQL."""
    if migrated_source.startswith("postgresql"):
        asyncio.run(_truncate(migrated_source))
        return migrated_source
    target = tmp_path / "cli.db"
    shutil.copyfile(migrated_source, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def cli_env(cli_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Only the settings a test sets: database, secret and state directory."""
    for name in list(os.environ):
        if name.startswith("SANZHU_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SANZHU_DATABASE_URL", cli_database_url)
    monkeypatch.setenv("SANZHU_SECRET_KEY", SECRET)
    monkeypatch.setenv("SANZHU_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SANZHU_PASSWORD_HASH_MEMORY_KIB", "1024")
    return cli_database_url


class SyncApi:
    """A synchronous facade over an httpx.AsyncClient on the app, for synchronous tests."""

    def __init__(self, runner: asyncio.Runner, client: httpx.AsyncClient) -> None:
        self._runner = runner
        self._client = client

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self._runner.run(self._client.get(url, **kwargs))


async def _reader_token(app: Any, transport: httpx.ASGITransport) -> str:
    """Create a scope-less auditor (it may read reference data) and sign it in over HTTP."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        if await users.find(session, READER) is None:
            data = UserCreate(
                username=READER,
                display_name="读者",
                role=Role.auditor,
                password=SecretStr(DEMO_PASSWORD),
            )
            await users.create(
                session,
                AuditContext(None, None, None, None),
                app.state.services.password_hasher,
                data,
                min_length=1,
            )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anonymous:
        return await sign_in(anonymous, READER)


@contextmanager
def api_client(database_url: str, state_dir: Path) -> Iterator[SyncApi]:
    """The app on `database_url`, to check through HTTP what a command did."""
    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,
        state_dir=state_dir,
        run_worker_in_process=False,
        password_hash_memory_kib=1024,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    with asyncio.Runner() as runner:
        token = runner.run(_reader_token(app, transport))
        client = httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        )
        try:
            yield SyncApi(runner, client)
        finally:
            runner.run(client.aclose())
            runner.run(app.state.services.database.dispose())
