"""A PostgreSQL of the test's own is stopped under load, then started again.

Every request in between is a 503 `database_unavailable` problem with
`Retry-After`; the log has one warning for the outage and one line when the
database answers again, and no traceback. Covers a fast stop (pooled
connections killed, new ones refused) and a smart shutdown ("the database
system is shutting down" to new connections while one session stays).

It starts its own server (initdb, pg_ctl; as the `postgres` OS user when
run as root), so it runs outside the default suite: `make test-outage`.
"""

import asyncio
import contextlib
import glob
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.core.migrations import upgrade_head
from app.main import create_app
from tests.conftest import TEST_SECRET, sign_in
from tests.factories import DEMO_PASSWORD, create_demo_district
from tests.logs import events, tracebacks
from tests.problems import assert_problem

pytestmark = pytest.mark.outage

CONCURRENT = 20


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    on_path = shutil.which("pg_ctl")
    candidates = [Path(p).parent for p in found] + ([Path(on_path).parent] if on_path else [])
    if not candidates:
        pytest.fail("no PostgreSQL server binaries (pg_ctl, initdb) found")
    return candidates[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class OwnPostgres:
    bindir: Path
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        # initdb and postgres refuse to run as root.
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(  # noqa: S603 - fixed binaries, arguments of our own
            [*as_postgres, str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    @property
    def data(self) -> str:
        return str(self.directory / "data")

    def init(self) -> None:
        self._run(
            "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.directory / "server.log")
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast", *, wait: bool = True) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w" if wait else "-W", "stop")

    def wait_stopped(self) -> None:
        """Return once the server has exited (its pid file is gone)."""
        pid_file = Path(self.data) / "postmaster.pid"
        deadline = time.monotonic() + 30
        while pid_file.exists():
            assert time.monotonic() < deadline, "PostgreSQL did not stop"
            time.sleep(0.1)


@pytest.fixture
def postgres() -> Iterator[OwnPostgres]:
    directory = Path(tempfile.mkdtemp(prefix="sanzhu-outage-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    server = OwnPostgres(_bindir(), directory, _free_port())
    server.init()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            server.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
async def outage_app(postgres: OwnPostgres, tmp_path: Path) -> AsyncIterator[FastAPI]:
    await asyncio.to_thread(upgrade_head, postgres.url)
    settings = Settings(
        database_url=postgres.url,
        secret_key=TEST_SECRET,
        state_dir=tmp_path / "state",
        run_worker_in_process=False,
        password_hash_memory_kib=1024,
        login_slowdown_seconds=0,
        demo_password=DEMO_PASSWORD,
        db_pool_timeout_seconds=5,
        # The bursts sign in with a wrong password again and again: no lockout.
        login_lock_after=10_000,
        login_address_lock_after=10_000,
    )
    app = create_app(settings)
    async with app.state.services.database.sessionmaker() as session:
        await create_demo_district(session)
    yield app
    await app.state.services.database.dispose()


@dataclass
class Callers:
    http: httpx.AsyncClient
    admin: str
    street_officer: str

    def requests(self) -> list[tuple[str, str, dict[str, object]]]:
        """Reads, a write with audit, and a sign-in: one of each kind of database use."""
        admin = {"Authorization": f"Bearer {self.admin}"}
        officer = {"Authorization": f"Bearer {self.street_officer}"}
        return [
            ("GET", "/api/v1/regions", {"headers": admin}),
            ("GET", "/api/v1/households", {"headers": officer}),
            (
                "PUT",
                "/api/v1/calendar/days/2027-01-04",
                {"headers": admin, "json": {"is_working_day": False, "name": "停电"}},
            ),
            (
                "POST",
                "/api/v1/auth/token",
                {"data": {"grant_type": "password", "username": "grid_worker", "password": "x"}},
            ),
        ]

    async def burst(self) -> list[httpx.Response]:
        calls = self.requests() * (CONCURRENT // len(self.requests()))
        return await asyncio.gather(
            *(self.http.request(method, path, **options) for method, path, options in calls)  # type: ignore[arg-type]
        )


@pytest.fixture
async def callers(outage_app: FastAPI) -> AsyncIterator[Callers]:
    # raise_app_exceptions (the default): an exception that escapes the app fails the test.
    transport = httpx.ASGITransport(app=outage_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Callers(http, await sign_in(http, "admin"), await sign_in(http, "street_officer"))


def _assert_unavailable(responses: list[httpx.Response]) -> None:
    for response in responses:
        body = assert_problem(response, 503, "database_unavailable")
        assert response.headers["retry-after"] == "5"
        assert "nothing was changed" in body["detail"] or "未作任何修改" in body["detail"]


async def _assert_served(callers: Callers) -> None:
    responses = await callers.burst()
    statuses = {(r.request.method, r.request.url.path, r.status_code) for r in responses}
    assert statuses == {
        ("GET", "/api/v1/regions", 200),
        ("GET", "/api/v1/households", 200),
        ("PUT", "/api/v1/calendar/days/2027-01-04", 200),
        ("POST", "/api/v1/auth/token", 400),
    }


async def test_a_stopped_database_is_a_503_logged_once_and_recovers(
    postgres: OwnPostgres, callers: Callers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await _assert_served(callers)

    postgres.stop("fast")
    for _ in range(3):
        _assert_unavailable(await callers.burst())
    assert len(events(caplog, "database_unavailable")) == 1
    assert events(caplog, "database_available_again") == []

    postgres.start()
    await _assert_served(callers)
    (recovered,) = events(caplog, "database_available_again")
    assert isinstance(recovered["failures"], int)
    assert recovered["failures"] >= 3 * CONCURRENT
    assert len(events(caplog, "database_unavailable")) == 1
    assert tracebacks(caplog) == []


async def test_a_database_shutting_down_is_a_503_too(
    postgres: OwnPostgres,
    outage_app: FastAPI,
    callers: Callers,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    await _assert_served(callers)
    # A smart shutdown waits for this session and refuses new ones meanwhile.
    lingering = await asyncpg.connect(postgres.url.replace("+asyncpg", ""))
    postgres.stop("smart", wait=False)
    await outage_app.state.services.database.dispose()
    try:
        _assert_unavailable(await callers.burst())
        (first,) = events(caplog, "database_unavailable")
        assert first["sqlstate"] == "57P03"  # the database system is shutting down
    finally:
        await lingering.close()
    await asyncio.to_thread(postgres.wait_stopped)
    _assert_unavailable(await callers.burst())
    assert len(events(caplog, "database_unavailable")) == 1

    postgres.start()
    await _assert_served(callers)
    assert len(events(caplog, "database_available_again")) == 1
    assert tracebacks(caplog) == []
