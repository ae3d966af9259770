"""The audit trail (Beijing 7; DOMAIN 12): append-only events, sealed into a hash chain.

Events of a change are added to the change's own transaction. Reads of
personal data and refused attempts are written in their own short
transaction, so they survive the request failing. No API updates or deletes
an event. Tamper evidence does not serialise requests: events are written
freely, and the worker seals them afterwards in batches into a keyed hash
chain (`app.core.audit_chain`).
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from fastapi import Request
from sqlalchemy import JSON, BigInteger, Index, Integer, String, bindparam, insert
from sqlalchemy.orm import Mapped, mapped_column

from app.core.audit_keys import MAX_KID_LENGTH
from app.core.db import Base, Database, ReadSession, WriteSession, new_id, utcnow, uuid_pk
from app.core.principals import Principal
from app.core.requestid import current_request_id
from app.core.types import UTCDateTime, region_code_type
from app.core.uow import after_transaction


class AuditOutcome(StrEnum):
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
    seal_kid: Mapped[str | None] = mapped_column(String(MAX_KID_LENGTH))
    """The audit key the event was sealed with; null on a sealed event: plain SHA-256 (legacy)."""


_SEAL_COLUMNS = ("seal_seq", "chain_hash", "sealed_at", "seal_kid")
_ALONE_COLUMNS = tuple(c.key for c in AuditEvent.__table__.c if c.key not in _SEAL_COLUMNS)
INSERT_ALONE = insert(AuditEvent).values(
    {name: bindparam(name, type_=AuditEvent.__table__.c[name].type) for name in _ALONE_COLUMNS}
)
"""An event written in its own transaction: every value given (`event_row`), one prebuilt
statement (SQLAlchemy's compiled cache serves it)."""


class AuditSealState(Base):
    """One row: the head of the chain (last sealed sequence number and hash); locking it
    serialises sealers, and `sanzhu audit verify` checks that the chain still ends there."""

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
    outcome: AuditOutcome = AuditOutcome.success,
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
                outcome=AuditOutcome.success,
                changed_fields=changed_fields,
            )
        )
    )


async def record_now(
    database: Database,
    context: AuditContext,
    action: str,
    *,
    outcome: AuditOutcome,
    object_type: str | None = None,
    object_id: str | None = None,
    region_code: str | None = None,
) -> None:
    """Record an event at once in its own short transaction (a refused lookup before the
    request's own statements, a test's event)."""
    await write_alone(
        database,
        event_row(
            context,
            action,
            object_type=object_type,
            object_id=object_id,
            region_code=region_code,
            outcome=outcome,
            changed_fields=None,
        ),
    )


def record_after(
    session: ReadSession,
    database: Database,
    context: AuditContext,
    action: str,
    *,
    outcome: AuditOutcome,
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
