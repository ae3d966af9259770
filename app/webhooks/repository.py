"""Queries of webhook subscriptions, deliveries and attempts; no rules, no HTTP."""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select, update

from app.core.db import Database, ReadSession, WriteSession, dialect_insert
from app.core.pagination import PageRequest, paginate
from app.webhooks.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)


def _owned(stmt: Select[Any], organization_id: uuid.UUID | None) -> Select[Any]:
    """Only the organisation's subscriptions when one is given (a partner's scope)."""
    if organization_id is None:
        return stmt
    return stmt.where(WebhookSubscription.organization_id == organization_id)


async def subscription(
    session: ReadSession, subscription_id: uuid.UUID, organization_id: uuid.UUID | None
) -> WebhookSubscription | None:
    stmt = _owned(
        select(WebhookSubscription).where(WebhookSubscription.id == subscription_id),
        organization_id,
    )
    found: WebhookSubscription | None = (await session.execute(stmt)).scalar_one_or_none()
    return found


async def subscriptions(
    session: ReadSession,
    organization_id: uuid.UUID | None,
    page: PageRequest,
) -> tuple[list[WebhookSubscription], str | None]:
    stmt = _owned(select(WebhookSubscription), organization_id)
    return await paginate(
        session,
        stmt,
        [WebhookSubscription.id],
        page,
        scope=f"webhook_subscriptions:{organization_id}",
    )


async def active_for(
    session: ReadSession, organization_ids: Sequence[uuid.UUID]
) -> list[WebhookSubscription]:
    stmt = select(WebhookSubscription).where(
        WebhookSubscription.status == SubscriptionStatus.active.value,
        WebhookSubscription.organization_id.in_(organization_ids),
    )
    return list((await session.execute(stmt)).scalars())


async def add_deliveries(session: WriteSession, rows: list[dict[str, Any]]) -> None:
    """Insert deliveries, skipping those of a (subscription, event) that exists already."""
    if not rows:
        return
    stmt = dialect_insert(session, WebhookDelivery).on_conflict_do_nothing(
        index_elements=["subscription_id", "event_id"]
    )
    await session.execute(stmt, rows)


async def cancel_pending(session: WriteSession, subscription_id: uuid.UUID, now: datetime) -> None:
    """A disabled subscription's deliveries not yet made are not made (a claimed one is still
    sent; its record then finds it cancelled and leaves it so)."""
    await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription_id,
            WebhookDelivery.status.in_(
                [DeliveryStatus.pending.value, DeliveryStatus.sending.value]
            ),
        )
        .values(status=DeliveryStatus.cancelled.value, updated_at=now, claim_token=None)
        .execution_options(synchronize_session=False)
    )


async def deliveries(
    session: ReadSession, subscription_id: uuid.UUID, status: str | None, page: PageRequest
) -> tuple[list[WebhookDelivery], str | None]:
    stmt = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    return await paginate(
        session,
        stmt,
        [WebhookDelivery.id],
        page,
        scope=f"webhook_deliveries:{subscription_id}:{status}",
        descending=True,
    )


async def delivery(
    session: ReadSession, subscription_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery | None:
    stmt = select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == subscription_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def attempts(session: ReadSession, delivery_id: uuid.UUID) -> list[WebhookAttempt]:
    stmt = (
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery_id)
        .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
    )
    return list((await session.execute(stmt)).scalars())


async def claim(
    database: Database,
    *,
    worker_id: str,
    token: uuid.UUID,
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[uuid.UUID]:
    """Mark up to `limit` due deliveries as this worker's (`sending`, leased, `token`), in a
    short transaction of its own; returns their ids. A delivery whose claim ran out (its
    worker died mid-send) is due again. On PostgreSQL the inner SELECT skips rows other
    workers are claiming; on SQLite the write lock (BEGIN IMMEDIATE) serialises claims."""
    due = (
        select(WebhookDelivery.id)
        .where(
            or_(
                (WebhookDelivery.status == DeliveryStatus.pending.value)
                & (WebhookDelivery.next_attempt_at <= now),
                (WebhookDelivery.status == DeliveryStatus.sending.value)
                & (WebhookDelivery.locked_until < now),
            )
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if database.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    stmt = (
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(due.scalar_subquery()))
        .values(
            status=DeliveryStatus.sending.value,
            locked_by=worker_id,
            locked_until=now + lease,
            claim_token=token,
            attempts=WebhookDelivery.attempts + 1,
            updated_at=now,
        )
        .returning(WebhookDelivery.id)
        .execution_options(synchronize_session=False)
    )
    async with database.sessionmaker() as session, session.begin():
        return list((await session.execute(stmt)).scalars())


async def claimed(session: ReadSession, ids: Sequence[uuid.UUID]) -> list[WebhookDelivery]:
    """The claimed deliveries to send, with what sending each needs."""
    stmt = select(WebhookDelivery).where(WebhookDelivery.id.in_(ids))
    return list((await session.execute(stmt)).scalars())


async def subscriptions_by_id(
    session: ReadSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, WebhookSubscription]:
    stmt = select(WebhookSubscription).where(WebhookSubscription.id.in_(set(ids)))
    return {s.id: s for s in (await session.execute(stmt)).scalars()}


async def settle(
    session: WriteSession, delivery_id: uuid.UUID, token: uuid.UUID, values: dict[str, Any]
) -> bool:
    """Write a claimed delivery's new state if `token` still holds it; False if another claim
    took it over (or its subscription was disabled meanwhile)."""
    result = await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.claim_token == token,
            WebhookDelivery.status == DeliveryStatus.sending.value,
        )
        .values(**values, locked_by=None, locked_until=None, claim_token=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


def add_attempt(session: WriteSession, attempt: WebhookAttempt) -> None:
    session.add(attempt)


async def disable_gone(
    session: WriteSession, subscription_id: uuid.UUID, now: datetime, reason: str
) -> None:
    """Switch an active subscription off (its receiver said 410 Gone)."""
    await session.execute(
        update(WebhookSubscription)
        .where(
            WebhookSubscription.id == subscription_id,
            WebhookSubscription.status == SubscriptionStatus.active.value,
        )
        .values(
            status=SubscriptionStatus.disabled.value,
            disabled_reason=reason,
            disabled_at=now,
            version=WebhookSubscription.version + 1,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
