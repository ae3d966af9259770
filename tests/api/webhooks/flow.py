"""Helpers of webhook tests: subscribe, publish events, run the worker's steps."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from app.core import events
from app.core.db import utcnow
from app.domains import build_worker, subscriptions
from app.organizations.models import Organization
from app.webhooks.delivery import deliver_batch
from app.webhooks.models import WebhookDelivery

URL = "/api/v1/webhook-subscriptions"
REFERRAL_CREATED = "referral.created"


async def organization_id(app: FastAPI, kind: str) -> uuid.UUID:
    async with app.state.services.database.sessionmaker() as session:
        found = await session.scalar(select(Organization.id).where(Organization.kind == kind))
    assert found is not None
    return found


async def subscribe(
    http: httpx.AsyncClient, headers: dict[str, str], url: str, **fields: Any
) -> dict[str, Any]:
    body = {"url": url, "event_types": [REFERRAL_CREATED, "referral.status_changed"], **fields}
    response = await http.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def referral_payload(*organizations: uuid.UUID, status: str = "requested") -> dict[str, Any]:
    return {
        "referral_id": str(uuid.uuid4()),
        "household_id": str(uuid.uuid4()),
        "status": status,
        "version": 1,
        "region_code": "500112001",
        "organizations": [str(o) for o in organizations],
    }


async def publish(app: FastAPI, name: str, payload: dict[str, Any]) -> None:
    """An event committed through the real outbox."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        events.publish(session, name, payload)


async def fan_out(app: FastAPI) -> None:
    """The worker's steps up to the deliveries: dispatch events to jobs, run the jobs."""
    services = app.state.services
    async with services.database.sessionmaker() as session, session.begin():
        await events.dispatch_pending(session, subscriptions())
    while await build_worker(services).run_once():
        pass


async def deliver(app: FastAPI, **kwargs: Any) -> int:
    return await deliver_batch(app.state.services, **kwargs)


async def deliveries(app: FastAPI) -> list[WebhookDelivery]:
    async with app.state.services.database.sessionmaker() as session:
        stmt = select(WebhookDelivery).order_by(WebhookDelivery.id)
        return list((await session.execute(stmt)).scalars())


async def make_due(app: FastAPI) -> None:
    """Bring every pending delivery's next attempt to now (instead of waiting for it)."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
