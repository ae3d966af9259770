"""The worker loop: claims due jobs, runs them, and runs periodic upkeep.

Runs inside `sanzhu serve` (embedded default) or alone as `sanzhu worker`;
any number of loops may run at once, since claims never overlap.
"""

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import jobs
from app.core.config import Settings
from app.core.db import Database
from app.core.metrics import JOBS, JOBS_PROCESSED

logger = structlog.get_logger(__name__)

Upkeep = Callable[[AsyncSession], Awaitable[object]]


@dataclass(slots=True)
class PeriodicTask:
    name: str
    every_seconds: float
    run: Upkeep
    last_run: float = field(default=float("-inf"))


async def _count_jobs(session: AsyncSession) -> None:
    for status, count in (await jobs.count_by_status(session)).items():
        JOBS.labels(status=status).set(count)


class Worker:
    def __init__(self, database: Database, settings: Settings, upkeep: list[PeriodicTask]) -> None:
        self.database = database
        self.settings = settings
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.tasks = [PeriodicTask("job_metrics", 30.0, _count_jobs), *upkeep]

    async def run_once(self) -> int:
        """Claim one batch and run it; returns how many jobs ran."""
        claimed = await jobs.claim_due(
            self.database,
            worker_id=self.worker_id,
            batch=self.settings.worker_batch_size,
            lease=timedelta(seconds=self.settings.job_lease_seconds),
        )
        for job in claimed:
            outcome = await jobs.run_job(self.database, job, worker_id=self.worker_id)
            JOBS_PROCESSED.labels(kind=job.kind, outcome=outcome.value).inc()
            log = logger.warning if outcome is not jobs.JobStatus.done else logger.info
            log(
                "job_finished",
                job_id=str(job.id),
                kind=job.kind,
                attempt=job.attempts,
                outcome=outcome.value,
            )
        return len(claimed)

    async def run_upkeep(self, *, force: bool = False) -> None:
        now = time.monotonic()
        for task in self.tasks:
            if not force and now - task.last_run < task.every_seconds:
                continue
            task.last_run = now
            try:
                async with self.database.sessionmaker() as session, session.begin():
                    await task.run(session)
            except Exception:
                logger.exception("upkeep_failed", task=task.name)

    async def run(self, stop: asyncio.Event) -> None:
        logger.info("worker_started", worker_id=self.worker_id)
        while not stop.is_set():
            ran = 0
            try:
                await self.run_upkeep()
                ran = await self.run_once()
            except Exception:
                logger.exception("worker_cycle_failed")
            if ran == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.worker_poll_seconds)
        logger.info("worker_stopped", worker_id=self.worker_id)
