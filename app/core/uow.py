"""One unit of work per request: the route commits once, before responding.

A `yield` dependency would commit after the response has started, so a
commit that fails (a deferred constraint, a serialisation failure) could be
reported as success. `AppRoute` owns this object instead and commits it
before returning the response.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database, ReadSession, WriteSession

AfterTransaction = Callable[[], Awaitable[None]]
_AFTER = "sanzhu.after_transaction"


def after_transaction(session: AsyncSession, work: AfterTransaction) -> None:
    """Run `work` once the request's transaction has ended, committed or not.

    For writes that must survive a failing request (refusals, failed
    sign-ins, reads of personal data) and must not wait on the request's own
    write lock (SQLite holds it from the first statement).
    """
    session.info.setdefault(_AFTER, []).append(work)


class UnitOfWork:
    """Lazily opened primary and read sessions of one request."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._session: WriteSession | None = None
        self._read_session: ReadSession | None = None

    @property
    def session(self) -> WriteSession:
        if self._session is None:
            self._session = self._database.sessionmaker()
        return self._session

    @property
    def read_session(self) -> ReadSession:
        if self._read_session is None:
            self._read_session = self._database.read_sessionmaker()
        return self._read_session

    async def commit(self) -> None:
        """Commit the write session; a request whose statements ran ends an outage's log."""
        answered = any(
            session is not None and session.in_transaction()
            for session in (self._session, self._read_session)
        )
        if self._session is not None:
            await self._session.commit()
        if answered:
            self._database.outage.answered()

    async def close(self) -> None:
        """Roll back whatever was not committed, release the connections, run deferred work."""
        deferred: list[AfterTransaction] = []
        for session in (self._session, self._read_session):
            if session is not None:
                deferred += session.info.pop(_AFTER, [])
                await session.close()
        self._session = None
        self._read_session = None
        for work in deferred:
            try:
                await work()
            except Exception as exc:
                self._database.outage.report(exc, "after_transaction_failed")


def current_uow(request: Request) -> UnitOfWork:
    uow = getattr(request.state, "uow", None)
    if uow is None:
        raise RuntimeError("the route does not use AppRoute; no unit of work is open")
    assert isinstance(uow, UnitOfWork)
    return uow


async def _session(request: Request) -> WriteSession:
    return current_uow(request).session


async def _read_session(request: Request) -> ReadSession:
    return current_uow(request).read_session


DbSession = Annotated[WriteSession, Depends(_session)]
"""The request's primary session; AppRoute commits it once the handler returns."""

ReadDbSession = Annotated[ReadSession, Depends(_read_session)]
"""A read-only session that may point at a replica."""
