"""A database that cannot be reached: which errors say so, and one log line per outage.

While PostgreSQL is stopped, restarting or out of connections, every request
fails the same way. Each is answered 503 `database_unavailable` with
`Retry-After` (core.errors); the log gets a warning when the outage begins, a
reminder at most every `remind_seconds` while it lasts, and a line with the
count when the database answers again, instead of a traceback per request.
"""

import errno
import socket
import time
from collections.abc import Callable, Iterator

import asyncpg
import structlog
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

logger = structlog.get_logger(__name__)

_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.EPIPE,
        errno.ETIMEDOUT,
        errno.EHOSTUNREACH,
        errno.EHOSTDOWN,
        errno.ENETUNREACH,
        errno.ENETDOWN,
        errno.EADDRNOTAVAIL,
    }
)
"""Socket errors: a file error (a full disk under the import directory) is not an outage."""

DATABASE_ERRORS: tuple[type[Exception], ...] = (
    SQLAlchemyError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
)
"""The exception classes a database failure can surface as, wrapped or not."""

_UNREACHABLE_SQLSTATE_PREFIXES = (
    "08",  # connection exception: refused, lost, does not exist
    "57P",  # admin or crash shutdown, "the database system is starting up / shutting down"
    "53300",  # too many connections
)


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, the driver error SQLAlchemy wraps, and what each was raised from."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "orig", None)
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__


def _says_unreachable(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    # SQLite's "database is locked" after the busy timeout and "unable to open
    # database file" (asyncpg's errors never become OperationalError); a pool
    # that gave no connection within its timeout.
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    if isinstance(error, ConnectionError | TimeoutError | socket.gaierror):
        return True
    if isinstance(error, OSError) and error.errno in _NETWORK_ERRNOS:
        return True
    if isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error):
        return True
    sqlstate = getattr(error, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_UNREACHABLE_SQLSTATE_PREFIXES)


def is_unreachable(error: BaseException) -> bool:
    """Does this error (or one it wraps) mean the database cannot be reached just now?

    Refused, reset and lost connections, "the database system is shutting
    down / starting up", too many connections, pool timeouts, and a statement
    whose connection SQLAlchemy found dead. Constraint violations, statement
    timeouts and programming errors are not outages.
    """
    return any(_says_unreachable(cause) for cause in _causes(error))


def _innermost(error: BaseException) -> BaseException:
    *_, last = _causes(error)
    return last


class OutageLog:
    """Logs an outage once, however many requests it fails.

    One per `Database`, so per process: requests, deferred audit writes and
    the worker report their failures here.
    """

    def __init__(
        self, *, remind_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._remind_seconds = remind_seconds
        self._clock = clock
        self._since: float | None = None
        self._failures = 0
        self._last_line = 0.0

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    @property
    def failures(self) -> int:
        """Failures since the outage began (0 when there is none)."""
        return self._failures

    def failed(self, error: BaseException) -> None:
        """A request or task failed because the database cannot be reached."""
        now = self._clock()
        self._failures += 1
        if self._since is None:
            self._since = self._last_line = now
            cause = _innermost(error)
            logger.warning(
                "database_unavailable",
                error_class=type(cause).__name__,
                sqlstate=getattr(cause, "sqlstate", None),
            )
        elif now - self._last_line >= self._remind_seconds:
            self._last_line = now
            logger.warning(
                "database_still_unavailable",
                failures=self._failures,
                seconds=round(now - self._since),
            )

    def report(self, error: BaseException, event: str, **fields: object) -> None:
        """A piece of work failed: part of the outage if the database cannot be
        reached, else logged as `event` with its traceback (call it while
        `error` is being handled)."""
        if is_unreachable(error):
            self.failed(error)
        else:
            logger.exception(event, **fields)

    def answered(self) -> None:
        """The database answered a request; ends an outage, if there was one."""
        if self._since is None:
            return
        logger.warning(
            "database_available_again",
            failures=self._failures,
            seconds=round(self._clock() - self._since),
        )
        self._since = None
        self._failures = 0
