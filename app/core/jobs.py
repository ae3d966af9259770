"""Durable jobs and the transactional outbox.

A service enqueues a job in the same transaction as the change that causes
it, so the job exists exactly when the change does: nothing waits in memory
for a crash to lose. A worker claims one due job at a time (SKIP LOCKED on
PostgreSQL; a single `UPDATE ... RETURNING` under SQLite's write lock) with a
lease, runs its handler under the kind's timeout in a transaction that also
marks it done, and retries failures with exponential back-off until the
attempts run out, when the job becomes a visible dead letter.

Delivery is **at least once**: a worker can die after the handler's effects
and before the commit is acknowledged, and a job whose lease runs out is
claimed again. Every handler must therefore be idempotent: running it twice
with the same payload leaves the same state as running it once. A run whose
lease ran out (whether or not another worker has claimed the job since) rolls
back instead of committing, and cannot renew the lease either. A failed
attempt is logged with its traceback.

Lock order, one for every path: the queue's own transactions (claim, renew,
finish, retry) lock the job row alone. A transaction that also changes rows
of the work a job stands for (an import's checkpoint and its job's lease)
locks those rows first and the job row last: `JobContext.renew_lease_in`
goes at the end of such a transaction. No path locks a job row and then the
work's rows, so two runs of one job never wait on each other in a cycle.
"""

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import JSON, Index, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import (
    Base,
    Database,
    ReadSession,
    Timestamped,
    WriteSession,
    new_id,
    utcnow,
    uuid_pk,
)
from app.core.types import UTCDateTime

if TYPE_CHECKING:
    from app.core.config import Settings
    from app.core.services import Services

logger = structlog.get_logger(__name__)


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


@dataclass(frozen=True, slots=True)
class JobKind:
    """A kind of job: its stable name, how often it is tried, how long one run may take."""

    name: str
    max_attempts: int = 8
    timeout_seconds: float = 240.0
    """A run taking longer fails (and is retried). Keep it below the lease
    (`SANZHU_JOB_LEASE_SECONDS`, 300 by default), or another worker claims the job while
    this run still holds it; a kind whose runs may outlast the lease renews it as it goes."""


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


class LeaseLost(Exception):
    """Another worker claimed the job: this run's work is rolled back, not committed."""


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a handler gets: the job's transaction, the app's services, the job itself."""

    session: WriteSession
    """The job's own transaction: its writes commit together with the job's `done`."""
    services: "Services"
    job: ClaimedJob
    worker_id: str
    lease: timedelta

    @property
    def settings(self) -> "Settings":
        return self.services.settings

    async def renew_lease(self) -> None:
        """Keep the job claimed for another lease (in its own short transaction, so other
        workers see it at once); raises `LeaseLost` if the job is no longer this run's."""
        async with self.services.database.sessionmaker() as session, session.begin():
            await self.renew_lease_in(session)

    async def renew_lease_in(self, session: WriteSession) -> None:
        """Renew the lease in `session`'s transaction, which then holds the job row: call it
        last in a transaction that locks rows of its own (see the lock order above).
        Raises `LeaseLost` if the job is no longer this run's."""
        if not await extend_lease(session, self.job, self.lease, worker_id=self.worker_id):
            raise LeaseLost(str(self.job.id))


JobHandler = Callable[[JobContext], Awaitable[None]]


class JobRegistry:
    """Which handler runs each kind of job: built in one place, from the domain list."""

    def __init__(self, handlers: Iterable[tuple[JobKind, JobHandler]]) -> None:
        self._handlers: dict[str, tuple[JobKind, JobHandler]] = {}
        for kind, handler in handlers:
            if kind.name in self._handlers:
                raise ValueError(f"job kind {kind.name!r} registered twice")
            self._handlers[kind.name] = (kind, handler)

    def __contains__(self, name: object) -> bool:
        return name in self._handlers

    def get(self, name: str) -> tuple[JobKind, JobHandler] | None:
        return self._handlers.get(name)

    @property
    def kinds(self) -> Mapping[str, JobKind]:
        return {name: kind for name, (kind, _) in self._handlers.items()}


async def enqueue(
    session: WriteSession,
    kind: JobKind,
    payload: dict[str, Any],
    *,
    run_after: datetime | None = None,
) -> Job:
    """Add a job to the caller's transaction; it runs only if that commits."""
    job = Job(
        id=new_id(),
        kind=kind.name,
        payload=payload,
        status=JobStatus.pending.value,
        attempts=0,
        max_attempts=kind.max_attempts,
        run_after=run_after or utcnow(),
    )
    session.add(job)
    await session.flush()
    return job


def backoff(attempts: int, *, base_seconds: float = 5.0, cap_seconds: float = 3600.0) -> timedelta:
    """Delay before retry number `attempts`: doubling, capped, with jitter."""
    delay = min(cap_seconds, base_seconds * 2 ** min(max(0, attempts - 1), 64))
    return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security


async def claim_next(database: Database, *, worker_id: str, lease: timedelta) -> ClaimedJob | None:
    """Mark the next due job as running for this worker, with a fresh lease, and return it.

    Also reclaims a job whose worker died (lease expired). On PostgreSQL the
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
        .limit(1)
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
        row = (await session.execute(stmt)).first()
    return None if row is None else ClaimedJob(*row)


def _owned(job: ClaimedJob, worker_id: str) -> Any:
    """This run still holds the job: the claim that made it is the job's latest, and its
    lease has not run out (once it has, another worker may claim the job at any moment)."""
    return (
        (Job.id == job.id)
        & (Job.status == JobStatus.running.value)
        & (Job.locked_by == worker_id)
        & (Job.attempts == job.attempts)
        & (Job.locked_until > utcnow())
    )


async def run_job(
    services: "Services",
    registry: JobRegistry,
    job: ClaimedJob,
    *,
    worker_id: str,
    lease: timedelta,
) -> JobStatus | None:
    """Run one claimed job under its kind's timeout; its effects and its `done` mark commit
    together. None when the lease was lost: then nothing of this run is kept."""
    entry = registry.get(job.kind)
    database = services.database
    try:
        if entry is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        kind, handler = entry
        async with database.sessionmaker() as session, session.begin():
            context = JobContext(session, services, job, worker_id, lease)
            async with asyncio.timeout(kind.timeout_seconds):
                await handler(context)
            if not await _finish(session, job, worker_id, JobStatus.done, error=None):
                raise LeaseLost(str(job.id))
        return JobStatus.done
    except LeaseLost:
        logger.warning("job_lease_lost", job_id=str(job.id), kind=job.kind)
        return None
    except Exception as exc:
        final = job.attempts >= job.max_attempts or entry is None
        status = JobStatus.dead if final else JobStatus.pending
        logger.exception(
            "job_attempt_failed",
            job_id=str(job.id),
            kind=job.kind,
            attempt=job.attempts,
            max_attempts=job.max_attempts,
            outcome=status.value,
        )
        error = f"{type(exc).__name__}: {exc}"[:2000]
        async with database.sessionmaker() as session, session.begin():
            if not await _finish(session, job, worker_id, status, error=error):
                return None
        return status


async def _finish(
    session: WriteSession, job: ClaimedJob, worker_id: str, status: JobStatus, *, error: str | None
) -> bool:
    """Record the run's outcome if this run still holds the job; False if it does not."""
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
    result = await session.execute(
        update(Job)
        .where(_owned(job, worker_id))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def extend_lease(
    session: WriteSession, job: ClaimedJob, lease: timedelta, *, worker_id: str
) -> bool:
    """Keep a long job claimed: a run that reports progress pushes its lease out.

    Without this, a job running longer than one lease would be claimed again
    by another worker while the first still runs it. Only this run's claim is
    extended, and only while its lease lasts; False if it is gone.
    """
    result = await session.execute(
        update(Job)
        .where(_owned(job, worker_id))
        .values(locked_until=utcnow() + lease)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def count_by_status(session: ReadSession) -> dict[str, int]:
    rows = (await session.execute(select(Job.status, func.count()).group_by(Job.status))).all()
    counts = {status.value: 0 for status in JobStatus}
    counts.update({status: int(count) for status, count in rows})
    return counts


async def retry_dead(session: WriteSession, job_id: uuid.UUID) -> bool:
    """Give a dead letter a fresh set of attempts; False if it is not dead."""
    result = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.dead.value)
        .values(status=JobStatus.pending.value, attempts=0, run_after=utcnow(), last_error=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]
