"""Sealing and verifying the audit chain with the app's own keys and heads file."""

import hashlib
import json
from pathlib import Path

from fastapi import FastAPI

from app.core import audit_chain
from app.core.audit import AuditEvent
from app.core.audit_chain import ChainReport, verify_chain
from app.core.audit_heads import read_published
from app.core.services import Services


def services_of(app: FastAPI) -> Services:
    services: Services = app.state.services
    return services


async def seal(app: FastAPI) -> int:
    """What the worker does: seal pending events, then publish the head."""
    services = services_of(app)
    return await audit_chain.seal(services.database, services.audit_keys, heads_file(app))


def heads_file(app: FastAPI) -> Path:
    return services_of(app).settings.audit_heads_path


async def verify(app: FastAPI, *, published: bool = True) -> ChainReport:
    """`sanzhu audit verify`: the chain, its recorded head and (if asked) the published heads."""
    services = services_of(app)
    path = heads_file(app)
    heads = read_published(path, services.audit_keys) if published and path.exists() else None
    async with services.database.sessionmaker() as session, session.begin():
        return await verify_chain(session, services.audit_keys, published=heads)


def legacy_digest(previous: str, event: AuditEvent) -> str:
    """The chain hash as sealed before revision 0009 (plain SHA-256, written out here as that
    code had it): what legacy rows hold, and what an attacker can compute without a key."""
    content = {
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
