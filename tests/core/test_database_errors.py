"""Every driver error that means "the database cannot be reached" is a 503, logged once.

The errors are built as asyncpg and SQLAlchemy raise them (raw at connect,
wrapped in a DBAPIError around the dialect's adapted error at a statement);
tests/core/test_database_outage.py stops a real server (`make test-outage`).
"""

import asyncio
import errno
import logging
import socket
from collections.abc import Callable

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_dbapi as AsyncpgDBAPI
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.core.config import Settings
from app.core.errors import AppError, Conflict, DatabaseUnavailable, unexpected_error
from app.core.logging import configure_logging
from app.core.outage import OutageLog, is_unreachable
from app.core.services import build_services
from app.domains import ACCESS_HOOKS, build_worker
from tests.logs import events, tracebacks
from tests.problems import assert_problem


@pytest.fixture(autouse=True)
def _structured_logs() -> None:
    """The app's logging, as `create_app` sets it up: the lines reach caplog as event dicts."""
    configure_logging()


def _wrapped(error: Exception, *, invalidated: bool = False) -> DBAPIError:
    """`error` as SQLAlchemy's asyncpg dialect reports it from a statement."""
    adapted_class = (
        AsyncpgDBAPI.InterfaceError
        if isinstance(error, asyncpg.InterfaceError)
        else AsyncpgDBAPI.Error
    )
    adapted = adapted_class(str(error), error)
    adapted.__cause__ = error
    wrapped = DBAPIError.instance(
        "SELECT 1", None, adapted, AsyncpgDBAPI.Error, connection_invalidated=invalidated
    )
    wrapped.__cause__ = adapted
    return wrapped


def _answer(error: Exception, outage: OutageLog) -> AppError:
    """What the request pipeline answers for `error`, handled as it handles one."""
    try:
        raise error
    except Exception as exc:
        return unexpected_error(exc, outage)


UNREACHABLE: dict[str, Callable[[], Exception]] = {
    "refused": lambda: ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed"),
    "reset": lambda: ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
    "broken_pipe": lambda: BrokenPipeError(errno.EPIPE, "Broken pipe"),
    "no_route": lambda: OSError(errno.EHOSTUNREACH, "No route to host"),
    "network_down": lambda: OSError(errno.ENETUNREACH, "Network is unreachable"),
    "no_address": lambda: OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address"),
    "dns": lambda: socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
    "connect_timeout": lambda: TimeoutError(),
    "starting_up": lambda: asyncpg.CannotConnectNowError("the database system is starting up"),
    "shutting_down": lambda: asyncpg.CannotConnectNowError("the database system is shutting down"),
    "admin_shutdown": lambda: asyncpg.AdminShutdownError(
        "terminating connection due to administrator command"
    ),
    "crash_shutdown": lambda: asyncpg.CrashShutdownError("terminating connection due to crash"),
    "connection_does_not_exist": lambda: asyncpg.ConnectionDoesNotExistError(
        "connection was closed in the middle of operation"
    ),
    "connection_failure": lambda: asyncpg.ConnectionFailureError("connection failure"),
    "too_many_connections": lambda: asyncpg.TooManyConnectionsError(
        "sorry, too many clients already"
    ),
    "connection_is_closed": lambda: asyncpg.InterfaceError("connection is closed"),
    "wrapped_shutting_down": lambda: _wrapped(
        asyncpg.CannotConnectNowError("the database system is shutting down")
    ),
    "wrapped_admin_shutdown": lambda: _wrapped(asyncpg.AdminShutdownError("terminating")),
    "wrapped_does_not_exist": lambda: _wrapped(
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
    ),
    "wrapped_connection_is_closed": lambda: _wrapped(
        asyncpg.InterfaceError("connection is closed"), invalidated=True
    ),
    "invalidated_connection": lambda: _wrapped(RuntimeError("whatever"), invalidated=True),
    "pool_timeout": lambda: PoolTimeout("QueuePool limit of size 20 overflow 10 reached"),
    "sqlite_locked": lambda: OperationalError(
        "BEGIN IMMEDIATE", None, Exception("database is locked")
    ),
}

NOT_AN_OUTAGE: dict[str, Callable[[], Exception]] = {
    "bug": lambda: RuntimeError("secret internal detail"),
    "disk_full": lambda: OSError(errno.ENOSPC, "No space left on device"),
    "permission": lambda: PermissionError(errno.EACCES, "Permission denied"),
    "statement_timeout": lambda: _wrapped(
        asyncpg.QueryCanceledError("canceling statement due to statement timeout")
    ),
    "missing_table": lambda: _wrapped(asyncpg.UndefinedTableError('relation "x" does not exist')),
    "driver_misuse": lambda: asyncpg.InterfaceError(
        "cannot perform operation: another operation is in progress"
    ),
}


@pytest.mark.parametrize("name", sorted(UNREACHABLE))
def test_an_unreachable_database_is_a_503_with_retry_after(name: str) -> None:
    error = UNREACHABLE[name]()
    assert is_unreachable(error)
    problem = _answer(error, OutageLog())
    assert isinstance(problem, DatabaseUnavailable)
    assert problem.status == 503
    assert problem.headers == {"Retry-After": "5"}


@pytest.mark.parametrize("name", sorted(NOT_AN_OUTAGE))
def test_other_failures_are_500s_with_their_traceback(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    error = NOT_AN_OUTAGE[name]()
    assert not is_unreachable(error)
    outage = OutageLog()
    problem = _answer(error, outage)
    assert type(problem) is AppError
    assert problem.status == 500
    assert not outage.ongoing
    (line,) = tracebacks(caplog)
    assert "unhandled_error" in line


def test_a_constraint_violation_is_a_conflict() -> None:
    error = IntegrityError("INSERT", None, Exception("duplicate key"))
    assert isinstance(_answer(error, OutageLog()), Conflict)


class TestOutageLog:
    def _log(self) -> tuple[OutageLog, list[float]]:
        now = [100.0]
        return OutageLog(remind_seconds=60, clock=lambda: now[0]), now

    def _events(self, caplog: pytest.LogCaptureFixture) -> list[str]:
        return [line["event"] for line in events(caplog)]

    def test_an_outage_is_one_line_however_many_failures(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        outage, now = self._log()
        for _ in range(5000):
            outage.failed(ConnectionRefusedError(errno.ECONNREFUSED, "refused"))
            now[0] += 0.01
        assert self._events(caplog) == ["database_unavailable"]
        assert events(caplog)[0]["error_class"] == "ConnectionRefusedError"

    def test_a_long_outage_is_recalled_at_most_once_a_minute(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        outage, now = self._log()
        for _ in range(150):
            outage.failed(TimeoutError())
            now[0] += 1
        assert self._events(caplog) == [
            "database_unavailable",
            "database_still_unavailable",
            "database_still_unavailable",
        ]

    def test_the_end_of_an_outage_is_one_line_with_the_count(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        outage, now = self._log()
        outage.answered()
        assert self._events(caplog) == []
        for _ in range(3):
            outage.failed(_wrapped(asyncpg.AdminShutdownError("terminating")))
        now[0] += 15
        outage.answered()
        outage.answered()
        assert self._events(caplog) == ["database_unavailable", "database_available_again"]
        start, end = events(caplog)
        assert start["sqlstate"] == "57P01"
        assert (end["failures"], end["seconds"]) == (3, 15)
        assert not outage.ongoing
        outage.failed(TimeoutError())
        assert self._events(caplog)[-1] == "database_unavailable"


class TestThroughTheRequestPipeline:
    async def test_each_error_is_a_503_problem_logged_once_and_the_next_answer_ends_it(
        self, app: FastAPI, pipeline_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING)
        for name, error in sorted(UNREACHABLE.items()):
            app.state.failure = error()
            response = await pipeline_client.get("/_test/fail")
            body = assert_problem(response, 503, "database_unavailable")
            assert response.headers["retry-after"] == "5", name
            assert "SELECT" not in str(body)
        answered = await pipeline_client.get("/_test/organizations/count", params={"name": "x"})
        assert answered.status_code == 200
        logged = [line["event"] for line in events(caplog)]
        assert logged == ["database_unavailable", "database_available_again"]
        assert tracebacks(caplog) == []

    async def test_deferred_work_failing_for_the_database_leaves_no_traceback(
        self, app: FastAPI, pipeline_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING)
        app.state.failure = ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed")
        for _ in range(3):
            response = await pipeline_client.post("/_test/fail-afterwards")
            assert response.json() == {"answered": "yes"}
        assert len(events(caplog, "database_unavailable")) == 1
        assert tracebacks(caplog) == []

    async def test_deferred_work_failing_otherwise_is_logged_with_its_traceback(
        self, app: FastAPI, pipeline_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        app.state.failure = RuntimeError("a bug in an audit writer")
        response = await pipeline_client.post("/_test/fail-afterwards")
        assert response.status_code == 200
        (line,) = tracebacks(caplog)
        assert "after_transaction_failed" in line


class TestWorker:
    async def test_a_worker_polling_an_unreachable_database_logs_the_outage_once(
        self, settings: Settings, caplog: pytest.LogCaptureFixture
    ) -> None:
        down = settings.model_copy(
            update={
                "database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/nowhere",
                "worker_poll_seconds": 0.01,
            }
        )
        services = build_services(down, ACCESS_HOOKS)
        worker = build_worker(services)
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        try:
            await asyncio.sleep(0.5)
        finally:
            stop.set()
            await task
            await services.database.dispose()
        assert services.database.outage.failures >= 3
        assert len(events(caplog, "database_unavailable")) == 1
        assert tracebacks(caplog) == []
