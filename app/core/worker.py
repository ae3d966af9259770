"""The worker loop: claims due jobs one at a time, runs them, and runs periodic upkeep.

Runs inside `sanzhu serve` (embedded default) or alone as `sanzhu worker`;
any number of loops may run at once, since claims never overlap.
"""

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import structlog

from app.core import jobs
from app.core.db import WriteSession
from app.core.metrics import JOBS, JOBS_PROCESSED
from app.core.services import Services

logger = structlog.get_logger(__name__)

Upkeep = Callable[[WriteSession, Services], Awaitable[object]]


@dataclass(slots=True)
class PeriodicTask:
    """Upkeep run every `every_seconds` by each worker, in a transaction of its own."""

    name: str
    every_seconds: float
    run: Upkeep
    last_run: float = field(default=float("-inf"))


async def _count_jobs(session: WriteSession, _services: Services) -> None:
    for status, count in (await jobs.count_by_status(session)).items():
        JOBS.labels(status=status).set(count)


class Worker:
    def __init__(
        self, services: Services, registry: jobs.JobRegistry, upkeep: Sequence[PeriodicTask]
    ) -> None:
        self.services = services
        self.registry = registry
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.tasks = [PeriodicTask("job_metrics", 30.0, _count_jobs), *upkeep]

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.services.settings.job_lease_seconds)

    async def run_once(self) -> int:
        """Claim and run up to a batch of due jobs, one at a time; returns how many ran.

        Each job is claimed just before it runs, so its lease starts with it."""
        ran = 0
        for _ in range(self.services.settings.worker_batch_size):
            job = await jobs.claim_next(
                self.services.database, worker_id=self.worker_id, lease=self.lease
            )
            if job is None:
                break
            outcome = await jobs.run_job(
                self.services, self.registry, job, worker_id=self.worker_id, lease=self.lease
            )
            label = "lease_lost" if outcome is None else outcome.value
            JOBS_PROCESSED.labels(kind=job.kind, outcome=label).inc()
            log = logger.info if outcome is jobs.JobStatus.done else logger.warning
            log(
                "job_finished",
                job_id=str(job.id),
                kind=job.kind,
                attempt=job.attempts,
                outcome=label,
            )
            ran += 1
        return ran

    async def run_upkeep(self, *, force: bool = False) -> None:
        now = time.monotonic()
        for task in self.tasks:
            if not force and now - task.last_run < task.every_seconds:
                continue
            task.last_run = now
            try:
                async with self.services.database.sessionmaker() as session, session.begin():
                    await task.run(session, self.services)
            except Exception as exc:
                self.services.database.outage.report(exc, "upkeep_failed", task=task.name)

    async def run(self, stop: asyncio.Event) -> None:
        logger.info("worker_started", worker_id=self.worker_id)
        while not stop.is_set():
            ran = 0
            try:
                await self.run_upkeep()
                ran = await self.run_once()
            except Exception as exc:
                # While the database is down every poll fails: one line per outage.
                self.services.database.outage.report(exc, "worker_cycle_failed")
            else:
                self.services.database.outage.answered()
            if ran == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        stop.wait(), timeout=self.services.settings.worker_poll_seconds
                    )
        logger.info("worker_stopped", worker_id=self.worker_id)
