"""Tables of webhooks: subscriptions, one delivery per subscription and event, its attempts."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, utcnow, uuid_pk
from app.core.types import UTCDateTime


class SubscriptionStatus(StrEnum):
    active = "active"
    disabled = "disabled"


class DisabledReason(StrEnum):
    requested = "requested"
    """Its partner or an admin switched it off."""
    gone = "gone"
    """The receiver answered 410 Gone."""


class DeliveryStatus(StrEnum):
    pending = "pending"
    """Waiting for its next attempt (`next_attempt_at`)."""
    sending = "sending"
    """Claimed by a worker until `locked_until`."""
    delivered = "delivered"
    failed = "failed"
    """Every attempt failed: a dead letter, until replayed."""
    cancelled = "cancelled"
    """Its subscription was disabled before it was delivered."""


class WebhookSubscription(Timestamped, Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[uuid.UUID] = uuid_pk()
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(500))
    secret_cipher: Mapped[str] = mapped_column(String(300))
    """The signing secret, sealed with the field cipher (context `webhook_subscription.secret`)."""
    status: Mapped[str] = mapped_column(String(16), default=SubscriptionStatus.active.value)
    disabled_reason: Mapped[str | None] = mapped_column(String(16))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    """The caller that created it: `user:<id>` or `client:<id>`."""
    version: Mapped[int] = mapped_column(Integer, default=1)


class WebhookDelivery(Timestamped, Base):
    """One event for one subscription; its id is the `webhook-id` of every attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_subscription_id_id", "subscription_id", "id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_id: Mapped[uuid.UUID] = mapped_column()
    event_type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The thin payload the webhook carries (catalog.thin)."""
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[uuid.UUID | None] = mapped_column()
    """Set by each claim; only the run holding it may record the attempt."""
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    __table_args__ = (
        Index("ix_webhook_attempts_delivery_id_attempted_at", "delivery_id", "attempted_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    """1 for the first attempt; a replay starts again at 1 (its attempts are fresh)."""
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    http_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    response_snippet: Mapped[str | None] = mapped_column(String(200))
    """The answer's first characters, for diagnosis; nothing more of it is kept."""
