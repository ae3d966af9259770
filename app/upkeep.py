"""The worker: the periodic upkeep of every domain, wired to the core loop."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit, idempotency
from app.core.config import Settings
from app.core.db import Database
from app.core.worker import PeriodicTask, Worker
from app.imports import job as import_job


async def _purge_idempotency_keys(session: AsyncSession) -> None:
    await idempotency.purge_expired(session)


async def _seal_audit_events(session: AsyncSession) -> None:
    await audit.seal_pending(session)


def build_worker(database: Database, settings: Settings) -> Worker:
    import_job.configure(settings)
    return Worker(
        database,
        settings,
        [
            PeriodicTask("purge_idempotency_keys", 3600.0, _purge_idempotency_keys),
            PeriodicTask("seal_audit_events", 5.0, _seal_audit_events),
        ],
    )
