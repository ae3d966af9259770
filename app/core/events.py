"""Domain events: what happened, named `domain.event`, written in the change's own transaction.

An event is a row of `domain_events` added to the transaction that makes the
change (the transactional outbox), so it exists exactly when the change
does. Its payload is thin: ids, version, region code, never personal data.
The worker hands each new event to the job kinds subscribed to its name
(`dispatch_pending`): one job per subscriber and event, delivered at least
once, so subscribers are idempotent. Webhook delivery subscribes here.
"""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, select, text, update
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, WriteSession, new_id, utcnow, uuid_pk
from app.core.jobs import JobKind, enqueue
from app.core.types import UTCDateTime


class DomainEvent(Base):
    __tablename__ = "domain_events"
    __table_args__ = (
        Index(
            "ix_domain_events_pending",
            "occurred_at",
            "id",
            postgresql_where=text("dispatched_at IS NULL"),
            sqlite_where=text("dispatched_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def event_row(name: str, payload: Mapping[str, Any], *, at: datetime) -> dict[str, Any]:
    """An event as a row, for writers that insert in bulk."""
    return {
        "id": new_id(),
        "name": name,
        "payload": dict(payload),
        "occurred_at": at,
        "dispatched_at": None,
    }


def publish(session: WriteSession, name: str, payload: Mapping[str, Any]) -> None:
    """Add an event to the caller's transaction; it is dispatched only if that commits."""
    session.add(DomainEvent(**event_row(name, payload, at=utcnow())))


Subscriptions = Mapping[str, Sequence[JobKind]]
"""Event name -> the job kinds that handle it."""


async def dispatch_pending(
    session: WriteSession, subscriptions: Subscriptions, *, batch: int = 500
) -> int:
    """Enqueue one job per subscriber of each undispatched event, oldest first; returns how
    many events were dispatched. Concurrent workers skip each other's rows (PostgreSQL)."""
    pending = (
        select(DomainEvent)
        .where(DomainEvent.dispatched_at.is_(None))
        .order_by(DomainEvent.occurred_at, DomainEvent.id)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        pending = pending.with_for_update(skip_locked=True)
    events = list(await session.scalars(pending))
    for event in events:
        for kind in subscriptions.get(event.name, ()):
            await enqueue(
                session,
                kind,
                {"event_id": str(event.id), "name": event.name, "payload": event.payload},
            )
    if events:
        await session.execute(
            update(DomainEvent)
            .where(DomainEvent.id.in_([e.id for e in events]))
            .values(dispatched_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return len(events)
