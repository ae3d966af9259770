"""The worker loop: claims due jobs one at a time, runs them, and runs periodic upkeep.

Runs inside `sanzhu serve` (embedded default) or alone as `sanzhu worker`;
any number of loops may run at once, since claims never overlap. Upkeep that
waits on the outside world (`PeriodicTask.own_task`: webhook sends) runs in an
asyncio task of its own beside the loop, so a slow receiver holds neither the
jobs nor the other upkeep.
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
OWN_TASK_GRACE_SECONDS = 2.0
"""How long stopping the worker waits for an `own_task` run in flight before cutting it short."""

Upkeep = Callable[[WriteSession, Services], Awaitable[object]]


@dataclass(slots=True)
class PeriodicTask:
    """Upkeep run every `every_seconds` by each worker, in a transaction of its own."""

    name: str
    every_seconds: float
    run: Upkeep
    own_task: bool = False
    """Run in an asyncio task of its own beside the job loop, not in the shared upkeep
    loop: for upkeep that may wait long on the outside world (a webhook send waits up to
    its deadline), which would otherwise hold the jobs and every other upkeep. Such a task
    opens its own short transactions and keeps none open while it waits."""
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
        every = [PeriodicTask("job_metrics", 30.0, _count_jobs), *upkeep]
        # The job loop's upkeep, run between its batches (`run_upkeep`); and the upkeep that
        # `run` gives an asyncio task each, beside the job loop.
        self.tasks = [task for task in every if not task.own_task]
        self.own_tasks = [task for task in every if task.own_task]

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
            await self._run_task(task)

    async def _run_task(self, task: PeriodicTask) -> None:
        """One run of an upkeep task; a failure is reported (once per outage while the
        database is down) and the next run comes as planned."""
        try:
            async with self.services.database.sessionmaker() as session, session.begin():
                await task.run(session, self.services)
        except Exception as exc:
            self.services.database.outage.report(exc, "upkeep_failed", task=task.name)

    async def _run_alone(self, task: PeriodicTask, stop: asyncio.Event) -> None:
        """An `own_task` upkeep until `stop`: a run every `every_seconds` (at once again when
        a run took longer)."""
        while not stop.is_set():
            started = time.monotonic()
            await self._run_task(task)
            pause = task.every_seconds - (time.monotonic() - started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(pause, 0.0))

    async def run(self, stop: asyncio.Event) -> None:
        logger.info("worker_started", worker_id=self.worker_id)
        alone = [
            asyncio.create_task(self._run_alone(task, stop), name=f"upkeep:{task.name}")
            for task in self.own_tasks
        ]
        try:
            await self._run_jobs(stop)
        finally:
            # A run in flight gets a short grace to finish what it sent (a webhook answered
            # is recorded, not sent again). One cut short after it is what a worker that
            # dies leaves: its claims wait out their leases and are taken again (at least
            # once), so shutdown need not wait longer.
            # Told to stop (the command line is stopped by cancelling, not by `stop`), an
            # own task starts no new run during the grace.
            stop.set()
            try:
                if alone:
                    await asyncio.wait(alone, timeout=OWN_TASK_GRACE_SECONDS)
            finally:
                for task in alone:
                    task.cancel()
                await asyncio.gather(*alone, return_exceptions=True)
        logger.info("worker_stopped", worker_id=self.worker_id)

    async def _run_jobs(self, stop: asyncio.Event) -> None:
        """The job loop: upkeep that is due, then a batch of jobs; a pause when none ran."""
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
