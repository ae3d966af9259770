"""Durable jobs and the transactional outbox.

A service enqueues a job in the same transaction as the change that causes
it, so the job exists exactly when the change does: nothing waits in memory
for a crash to lose. Workers claim due jobs in batches (SKIP LOCKED on
PostgreSQL; a single `UPDATE ... RETURNING` under SQLite's write lock), run
them, and retry failures with exponential back-off until the attempts run
out, when the job becomes a visible dead letter.
"""

import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Database, Timestamped, new_id, utcnow, uuid_pk
from app.core.types import UTCDateTime

JobHandler = Callable[[AsyncSession, dict[str, Any]], Awaitable[None]]


class JobStatus(StrEnum):
    pending = "pending"
    running = "running"
    done = "done"
    dead = "dead"


class Job(Timestamped, Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


_HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    """Register the function that runs jobs of `kind`."""

    def register(handler: JobHandler) -> JobHandler:
        if kind in _HANDLERS and _HANDLERS[kind] is not handler:
            raise ValueError(f"job kind {kind!r} registered twice")
        _HANDLERS[kind] = handler
        return handler

    return register


async def enqueue(
    session: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    *,
    run_after: datetime | None = None,
    max_attempts: int = 8,
) -> Job:
    """Add a job to the caller's transaction; it runs only if that commits."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    job = Job(
        id=new_id(),
        kind=kind,
        payload=payload,
        status=JobStatus.pending.value,
        attempts=0,
        max_attempts=max_attempts,
        run_after=run_after or utcnow(),
    )
    session.add(job)
    await session.flush()
    return job


def backoff(attempts: int, *, base_seconds: float = 5.0, cap_seconds: float = 3600.0) -> timedelta:
    """Delay before retry number `attempts`: doubling, capped, with jitter."""
    delay = min(cap_seconds, base_seconds * 2 ** min(max(0, attempts - 1), 64))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


async def claim_due(
    database: Database, *, worker_id: str, batch: int, lease: timedelta
) -> list[ClaimedJob]:
    """Mark up to `batch` due jobs as running for this worker and return them.

    Also reclaims jobs whose worker died (lease expired). On PostgreSQL the
    inner SELECT skips rows other workers hold; on SQLite the write lock
    (BEGIN IMMEDIATE) serialises claims.
    """
    now = utcnow()
    due = (
        select(Job.id)
        .where(
            ((Job.status == JobStatus.pending.value) & (Job.run_after <= now))
            | ((Job.status == JobStatus.running.value) & (Job.locked_until < now))
        )
        .order_by(Job.run_after)
        .limit(batch)
    )
    if database.dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    stmt = (
        update(Job)
        .where(Job.id.in_(due.scalar_subquery()))
        .values(
            status=JobStatus.running.value,
            locked_by=worker_id,
            locked_until=now + lease,
            attempts=Job.attempts + 1,
            updated_at=now,
        )
        .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)
    )
    async with database.sessionmaker() as session, session.begin():
        rows = (await session.execute(stmt)).all()
    return [ClaimedJob(*row) for row in rows]


async def run_job(database: Database, job: ClaimedJob, *, worker_id: str) -> JobStatus:
    """Run one claimed job; its effects and its `done` mark commit together."""
    handler = _HANDLERS.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        async with database.sessionmaker() as session, session.begin():
            await handler(session, job.payload)
            await _finish(session, job, worker_id, JobStatus.done, error=None)
        return JobStatus.done
    except Exception as exc:
        final = job.attempts >= job.max_attempts or handler is None
        status = JobStatus.dead if final else JobStatus.pending
        async with database.sessionmaker() as session, session.begin():
            await _finish(
                session, job, worker_id, status, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
        return status


async def _finish(
    session: AsyncSession, job: ClaimedJob, worker_id: str, status: JobStatus, *, error: str | None
) -> None:
    now = utcnow()
    values: dict[str, Any] = {
        "status": status.value,
        "locked_by": None,
        "locked_until": None,
        "updated_at": now,
    }
    if error is not None:
        values["last_error"] = error
    if status is JobStatus.pending:
        values["run_after"] = now + backoff(job.attempts)
    await session.execute(
        update(Job)
        .where(Job.id == job.id, Job.locked_by == worker_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def extend_lease(session: AsyncSession, job_id: uuid.UUID, lease: timedelta) -> None:
    """Keep a long job claimed: a job that reports progress pushes its lease out.

    Without this, a job running longer than one lease would be claimed again
    by another worker while the first still runs it.
    """
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.running.value)
        .values(locked_until=utcnow() + lease)
        .execution_options(synchronize_session=False)
    )


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = (await session.execute(select(Job.status, func.count()).group_by(Job.status))).all()
    counts = {status.value: 0 for status in JobStatus}
    counts.update({status: int(count) for status, count in rows})
    return counts


async def retry_dead(session: AsyncSession, job_id: uuid.UUID) -> bool:
    """Give a dead letter a fresh set of attempts; False if it is not dead."""
    result = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.dead.value)
        .values(status=JobStatus.pending.value, attempts=0, run_after=utcnow(), last_error=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]
