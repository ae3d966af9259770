"""Idempotency-Key store (API.md): a retried POST returns the first response.

The key is claimed in its own short transaction, so a concurrent repeat sees
it at once (409). The stored response is written in the request's own
transaction, so it exists exactly when the change it describes does.

A claim holds the key for a short lease (`SANZHU_IDEMPOTENCY_LEASE_SECONDS`),
which a `Renewal` pushes out while the request still works. A request that
ends without completing releases its claim; when even that fails (the
database went away with the request), the lease runs out within seconds and
the client's retry takes the claim over. Each claim has its own token and
only the current one can complete the key, so if a retry takes over a claim
whose request was in fact still alive, that request cannot commit too: of
two requests with one key, at most one takes effect.
"""

import asyncio
import base64
import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import JSON, Integer, String, Text, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column
from starlette.responses import Response

from app.core.db import Base, Database, WriteSession, dialect_insert, utcnow
from app.core.errors import IdempotencyInProgress, IdempotencyKeyReused
from app.core.types import UTCDateTime

logger = structlog.get_logger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
_REPLAYED_HEADERS = ("location", "etag", "content-type", "content-language")
_UNREACHABLE = (SQLAlchemyError, OSError)
"""What a statement raises when the database cannot be reached or answers an error."""


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    caller: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    completed: Mapped[bool] = mapped_column(default=False)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    """Which claim holds the key: a claim taken over gets a new token, and only the
    current token's request may complete the key."""
    lease_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)


@dataclass(frozen=True, slots=True)
class Claim:
    caller: str
    key: str
    token: str


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    headers = dict(record.response_headers or {})
    headers[REPLAY_HEADER] = "true"
    body = base64.b64decode(record.response_body or "")
    return Response(content=body, status_code=record.response_status or 200, headers=headers)


def _in_progress() -> IdempotencyInProgress:
    return IdempotencyInProgress(headers={"Retry-After": "1"})


def _of(caller: str, key: str) -> Any:
    return (IdempotencyRecord.caller == caller) & (IdempotencyRecord.key == key)


def _held_by(held: Claim) -> Any:
    """The key is still `held`'s: not completed, and not taken over by another claim."""
    return (
        _of(held.caller, held.key)
        & (IdempotencyRecord.claim_token == held.token)
        & IdempotencyRecord.completed.is_(False)
    )


async def claim(
    database: Database,
    *,
    caller: str,
    key: str,
    fingerprint: str,
    ttl: timedelta,
    lease: timedelta,
) -> Claim | Response:
    """Claim a key for a new request, or return the response to replay.

    Raises 409 while another request holds the key and 422 when the key was
    used with a different request. A claim whose lease ran out without its
    request completing is taken over.
    """
    now = utcnow()
    mine = Claim(caller, key, secrets.token_hex(16))
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            delete(IdempotencyRecord).where(_of(caller, key), IdempotencyRecord.expires_at < now)
        )
        inserted = await session.execute(
            dialect_insert(session, IdempotencyRecord)
            .values(
                caller=caller,
                key=key,
                fingerprint=fingerprint,
                completed=False,
                claim_token=mine.token,
                lease_expires_at=now + lease,
                expires_at=now + ttl,
            )
            .on_conflict_do_nothing(index_elements=["caller", "key"])
        )
        if _rowcount(inserted) == 1:
            return mine
        # The conditions are the UPDATE's own, so of several retries one takes the claim
        # over, and a request that completed meanwhile (PostgreSQL re-checks the row once
        # its transaction ends) is replayed instead of run again.
        taken = await session.execute(
            update(IdempotencyRecord)
            .where(
                _of(caller, key),
                IdempotencyRecord.fingerprint == fingerprint,
                IdempotencyRecord.completed.is_(False),
                IdempotencyRecord.lease_expires_at < now,
            )
            .values(claim_token=mine.token, lease_expires_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(taken) == 1:
            logger.info("idempotency_claim_taken_over", caller=caller)
            return mine
        record = (
            await session.execute(select(IdempotencyRecord).where(_of(caller, key)))
        ).scalar_one_or_none()
    if record is None:  # released by its request just now: the caller may try again
        raise _in_progress()
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if record.completed:
        return _replay(record)
    raise _in_progress()


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


async def renew(database: Database, held: Claim, lease: timedelta) -> bool:
    """Push the claim's lease out; False once the key is no longer `held`'s."""
    async with database.sessionmaker() as session, session.begin():
        result = await session.execute(
            update(IdempotencyRecord)
            .where(_held_by(held))
            .values(lease_expires_at=utcnow() + lease)
            .execution_options(synchronize_session=False)
        )
    return _rowcount(result) == 1


class Renewal:
    """Renews a claim's lease in the background, every third of a lease, until stopped.

    Stop it only after the request's transaction has ended: on SQLite a renewal
    waits for the write lock that transaction holds."""

    def __init__(self, database: Database, held: Claim, lease: timedelta) -> None:
        self._stopped = asyncio.Event()
        self._task = asyncio.create_task(self._run(database, held, lease))

    async def _run(self, database: Database, held: Claim, lease: timedelta) -> None:
        every = lease.total_seconds() / 3
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), every)
            if self._stopped.is_set():
                return
            try:
                if not await renew(database, held, lease):
                    return
            except _UNREACHABLE as exc:
                logger.warning("idempotency_renewal_failed", error_class=type(exc).__name__)

    async def stop(self) -> None:
        self._stopped.set()
        await self._task


async def complete(session: WriteSession, held: Claim, response: Response) -> None:
    """Store the response in the request's transaction, next to the change it reports.

    Raises 409 if the claim was taken over (its lease ran out while the request
    worked): the request that took it answers for the key, so this one must not
    commit."""
    headers = {name: value for name, value in response.headers.items() if name in _REPLAYED_HEADERS}
    result = await session.execute(
        update(IdempotencyRecord)
        .where(_held_by(held))
        .values(
            completed=True,
            response_status=response.status_code,
            response_body=base64.b64encode(bytes(response.body)).decode("ascii"),
            response_headers=headers,
        )
        .execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        raise _in_progress()


async def release(database: Database, held: Claim) -> None:
    """Forget a claim whose request failed, so the caller may retry with the same key.

    If the database cannot be reached the claim stays until its lease runs out,
    seconds later; the request's own answer is not replaced by this failure."""
    try:
        async with database.sessionmaker() as session, session.begin():
            await session.execute(delete(IdempotencyRecord).where(_held_by(held)))
    except _UNREACHABLE as exc:
        logger.info("idempotency_release_failed", error_class=type(exc).__name__)


async def purge_expired(session: WriteSession) -> int:
    """Delete keys past their time to live; run by the worker on a schedule."""
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < utcnow())
    )
    return _rowcount(result)
