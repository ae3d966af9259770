"""The audit trail (Beijing 7; DOMAIN 12): append-only events, sealed into a hash chain.

Events of a change are added to the change's own transaction. Reads of
personal data and refused attempts are written in their own short
transaction, so they survive the request failing. No API updates or deletes
an event. Tamper evidence does not serialise requests: events are written
freely, and the worker seals them afterwards in batches, giving each a
sequence number and a hash over its content and the previous hash.
`sanzhu audit verify` recomputes the chain.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from fastapi import Request
from sqlalchemy import JSON, BigInteger, Index, Integer, String, bindparam, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Database, ReadSession, WriteSession, new_id, utcnow, uuid_pk
from app.core.principals import Principal
from app.core.requestid import current_request_id
from app.core.types import UTCDateTime, region_code_type
from app.core.uow import after_transaction

GENESIS = "0" * 64


class Outcome(StrEnum):
    success = "success"
    denied = "denied"
    failed = "failed"


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred_at_id", "occurred_at", "id"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(60), index=True)
    role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(region_code_type(), index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    seal_seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


_SEAL_COLUMNS = ("seal_seq", "chain_hash", "sealed_at")
_ALONE_COLUMNS = tuple(c.key for c in AuditEvent.__table__.c if c.key not in _SEAL_COLUMNS)
INSERT_ALONE = insert(AuditEvent).values(
    {name: bindparam(name, type_=AuditEvent.__table__.c[name].type) for name in _ALONE_COLUMNS}
)
"""An event written in its own transaction: every value given (`event_row`), one prebuilt
statement (SQLAlchemy's compiled cache serves it)."""


class AuditSealState(Base):
    """One row: the last sealed sequence number and hash; locking it serialises sealers."""

    __tablename__ = "audit_seal_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True, slots=True)
class AuditContext:
    """Who acts and from where, taken from the request."""

    actor: str | None
    role: str | None
    address: str | None
    user_agent: str | None
    request_id: str | None = field(default=None)

    @classmethod
    def of(cls, request: Request, principal: Principal | None) -> "AuditContext":
        """Who acts (the principal, or nobody yet) and from where, taken from the request."""
        client = request.client
        return cls(
            actor=principal.caller_id if principal is not None else None,
            role=principal.role.value if principal is not None else None,
            address=client.host if client is not None else None,
            user_agent=(request.headers.get("user-agent") or "")[:200] or None,
            request_id=current_request_id(),
        )


def event_row(
    context: AuditContext,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    region_code: str | None = None,
    outcome: Outcome = Outcome.success,
    changed_fields: list[str] | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """An event as a row (unsealed), for the ORM and for writers that insert in bulk."""
    return {
        "id": new_id(),
        "occurred_at": at or utcnow(),
        "actor": context.actor,
        "role": context.role,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "region_code": region_code,
        "request_id": context.request_id or current_request_id(),
        "address": context.address,
        "user_agent": context.user_agent,
        "outcome": outcome.value,
        "changed_fields": sorted(changed_fields or []),
    }


async def write_alone(database: Database, values: dict[str, Any]) -> None:
    """One event (`event_row`) in its own short transaction on the primary: a prebuilt insert
    on a connection, no session to set up (every read of personal data pays for this; a
    refusal is written so once the request's transaction has ended: `core.refusals`)."""
    async with database.engine.begin() as connection:
        await connection.execute(INSERT_ALONE, values)


async def record(
    session: WriteSession,
    context: AuditContext,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    region_code: str | None = None,
    changed_fields: list[str] | None = None,
) -> None:
    """Record a change in the change's own transaction: no change without its event."""
    session.add(
        AuditEvent(
            **event_row(
                context,
                action,
                object_type=object_type,
                object_id=object_id,
                region_code=region_code,
                outcome=Outcome.success,
                changed_fields=changed_fields,
            )
        )
    )


def record_after(
    session: ReadSession,
    database: Database,
    context: AuditContext,
    action: str,
    *,
    outcome: Outcome,
    object_type: str | None = None,
    object_id: str | None = None,
    region_code: str | None = None,
) -> None:
    """Record a read or a refusal in its own short transaction on the primary,
    written once the request's transaction has ended (so a failing request
    still leaves it)."""
    values = event_row(
        context,
        action,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code,
        outcome=outcome,
        changed_fields=None,
    )

    async def write() -> None:
        await write_alone(database, values)

    after_transaction(session, write)


def event_digest(previous: str, event: AuditEvent) -> str:
    """The chain hash: SHA-256 over the previous hash and the event's canonical content."""
    content: dict[str, Any] = {
        "id": str(event.id),
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "region_code": event.region_code,
        "request_id": event.request_id,
        "address": event.address,
        "user_agent": event.user_agent,
        "outcome": event.outcome,
        "changed_fields": list(event.changed_fields or []),
        "seal_seq": event.seal_seq,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous + canonical).encode()).hexdigest()


async def seal_pending(session: WriteSession, *, batch: int = 1000) -> int:
    """Seal up to `batch` unsealed events in (time, id) order; returns how many.

    The state row is locked first (FOR UPDATE on PostgreSQL; SQLite's write
    lock), so concurrent workers extend one chain, one after the other.
    """
    state_query = select(AuditSealState).where(AuditSealState.id == 1)
    if session.get_bind().dialect.name == "postgresql":
        state_query = state_query.with_for_update()
    state = (await session.execute(state_query)).scalar_one_or_none()
    if state is None:
        state = AuditSealState(id=1, last_seq=0, last_hash=GENESIS)
        session.add(state)
        await session.flush()
    pending = (
        (
            await session.execute(
                select(AuditEvent)
                .where(AuditEvent.seal_seq.is_(None))
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
                .limit(batch)
            )
        )
        .scalars()
        .all()
    )
    now = utcnow()
    for event in pending:
        state.last_seq += 1
        event.seal_seq = state.last_seq
        event.chain_hash = event_digest(state.last_hash, event)
        event.sealed_at = now
        state.last_hash = event.chain_hash
    await session.flush()
    return len(pending)


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None
    first_broken_id: str | None
    unsealed: int
    oldest_unsealed_at: datetime | None


async def verify_chain(session: WriteSession, *, chunk: int = 5000) -> ChainReport:
    """Recompute the chain from the start; report the first event that no longer matches."""
    previous, checked, expected_seq, after = GENESIS, 0, 1, 0
    while True:
        rows = (
            (
                await session.execute(
                    select(AuditEvent)
                    .where(AuditEvent.seal_seq > after)
                    .order_by(AuditEvent.seal_seq)
                    .limit(chunk)
                )
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for event in rows:
            if event.seal_seq != expected_seq or event.chain_hash != event_digest(previous, event):
                return await _report(session, checked, event)
            previous = event.chain_hash or ""
            expected_seq += 1
            checked += 1
        after = rows[-1].seal_seq or after
    return await _report(session, checked, None)


async def _report(session: WriteSession, checked: int, broken: AuditEvent | None) -> ChainReport:
    unsealed, oldest = (
        await session.execute(
            select(func.count(), func.min(AuditEvent.occurred_at)).where(
                AuditEvent.seal_seq.is_(None)
            )
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)
    return ChainReport(
        checked=checked,
        first_broken_seq=broken.seal_seq if broken else None,
        first_broken_id=str(broken.id) if broken else None,
        unsealed=int(unsealed),
        oldest_unsealed_at=oldest,
    )
