"""Idempotency-Key store (API.md): a retried POST returns the first response.

The key is claimed in its own short transaction, so a concurrent repeat sees
it at once (409). The stored response is written in the request's own
transaction, so it exists exactly when the change it describes does. A claim
whose request died is taken over once its lease runs out.
"""

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column
from starlette.responses import Response

from app.core.db import Base, Database, WriteSession, dialect_insert, utcnow
from app.core.errors import IdempotencyInProgress, IdempotencyKeyReused
from app.core.types import UTCDateTime

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
IN_PROGRESS_LEASE = timedelta(minutes=5)
_REPLAYED_HEADERS = ("location", "etag", "content-type", "content-language")


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    caller: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    completed: Mapped[bool] = mapped_column(default=False)
    lease_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)


@dataclass(frozen=True, slots=True)
class Claim:
    caller: str
    key: str


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


async def claim(
    database: Database, *, caller: str, key: str, fingerprint: str, ttl: timedelta
) -> Claim | Response:
    """Claim a key for a new request, or return the response to replay.

    Raises 409 while another request holds the key and 422 when the key was
    used with a different request.
    """
    now = utcnow()
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.caller == caller,
                IdempotencyRecord.key == key,
                IdempotencyRecord.expires_at < now,
            )
        )
        inserted = await session.execute(
            dialect_insert(session, IdempotencyRecord)
            .values(
                caller=caller,
                key=key,
                fingerprint=fingerprint,
                completed=False,
                lease_expires_at=now + IN_PROGRESS_LEASE,
                expires_at=now + ttl,
            )
            .on_conflict_do_nothing(index_elements=["caller", "key"])
        )
        if _rowcount(inserted) == 1:
            return Claim(caller, key)
        record = (
            await session.execute(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.caller == caller, IdempotencyRecord.key == key
                )
            )
        ).scalar_one()
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if record.completed:
            return _replay(record)
        if record.lease_expires_at > now:
            raise IdempotencyInProgress(headers={"Retry-After": "1"})
        record.lease_expires_at = now + IN_PROGRESS_LEASE
        return Claim(caller, key)


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


async def complete(session: WriteSession, held: Claim, response: Response) -> None:
    """Store the response in the request's transaction, next to the change it reports."""
    headers = {name: value for name, value in response.headers.items() if name in _REPLAYED_HEADERS}
    await session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.caller == held.caller, IdempotencyRecord.key == held.key)
        .values(
            completed=True,
            response_status=response.status_code,
            response_body=base64.b64encode(bytes(response.body)).decode("ascii"),
            response_headers=headers,
        )
    )


async def release(database: Database, held: Claim) -> None:
    """Forget a claim whose request failed, so the caller may retry with the same key."""
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.caller == held.caller,
                IdempotencyRecord.key == held.key,
                IdempotencyRecord.completed.is_(False),
            )
        )


async def purge_expired(session: WriteSession) -> int:
    """Delete keys past their time to live; run by the worker on a schedule."""
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < utcnow())
    )
    return _rowcount(result)
