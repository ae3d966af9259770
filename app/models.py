"""Every table, from the domain list and core, so Alembic and tests see the whole schema."""

from app.core.audit import AuditEvent, AuditSealState
from app.core.db import Base
from app.core.events import DomainEvent
from app.core.idempotency import IdempotencyRecord
from app.core.jobs import Job
from app.domains import DOMAINS

CORE_MODELS: tuple[type[Base], ...] = (
    AuditEvent,
    AuditSealState,
    DomainEvent,
    IdempotencyRecord,
    Job,
)
DOMAIN_MODELS: tuple[type[Base], ...] = tuple(m for d in DOMAINS for m in d.models)

__all__ = ["CORE_MODELS", "DOMAIN_MODELS", "Base"]
