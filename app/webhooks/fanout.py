"""Fan-out: a domain event of the catalogue becomes one delivery per active subscription of
its type whose organisation the event concerns (its payload's `organizations`).

It runs as a job subscribed to the catalogue's events, so only events whose transaction
committed are fanned out (core.events). Jobs run at least once: a second run inserts
nothing new (one delivery per subscription and event, ON CONFLICT DO NOTHING).
"""

import uuid

import structlog
from sqlalchemy import select

from app.core.db import new_id, utcnow
from app.core.events import DomainEvent
from app.core.jobs import JobContext, JobKind
from app.webhooks import repository
from app.webhooks.catalog import ORGANIZATIONS, EventType, thin
from app.webhooks.models import DeliveryStatus

FAN_OUT = JobKind("webhooks.fan_out", timeout_seconds=60.0)
logger = structlog.get_logger(__name__)


def _organizations(payload: dict[str, object]) -> list[uuid.UUID]:
    found = []
    listed = payload.get(ORGANIZATIONS)
    for value in listed if isinstance(listed, list) else []:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            logger.warning("webhook_event_organization_invalid")
    return found


async def fan_out(context: JobContext) -> None:
    job = context.job.payload
    event_type = EventType(job["name"])
    payload: dict[str, object] = job["payload"]
    event_id = uuid.UUID(job["event_id"])
    session = context.session
    organizations = _organizations(payload)
    if not organizations:
        return
    occurred_at = await session.scalar(
        select(DomainEvent.occurred_at).where(DomainEvent.id == event_id)
    )
    now = utcnow()
    data = thin(event_type, payload)
    rows = [
        {
            "id": new_id(),
            "subscription_id": subscription.id,
            "event_id": event_id,
            "event_type": event_type.value,
            "occurred_at": occurred_at or now,
            "data": data,
            "status": DeliveryStatus.pending.value,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for subscription in await repository.active_for(session, organizations)
        if event_type.value in subscription.event_types
    ]
    await repository.add_deliveries(session, rows)
    logger.info(
        "webhook_fanned_out", event_id=str(event_id), type=event_type.value, subscriptions=len(rows)
    )
