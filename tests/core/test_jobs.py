"""Durable jobs: transactional enqueue, safe claims, retries, dead letters."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import jobs
from app.core.config import Settings
from app.core.db import Database, utcnow
from app.core.jobs import Job, JobStatus
from app.core.worker import Worker
from app.dictionaries import service as dictionaries
from app.dictionaries.models import DictionaryCode

FAILURES: dict[str, int] = {}


@jobs.job_handler("test.add_cause")
async def _add_cause(session: AsyncSession, payload: dict[str, Any]) -> None:
    await dictionaries.add_code(session, "hardship_cause", payload["code"], "测试", "Test")


@jobs.job_handler("test.flaky")
async def _flaky(session: AsyncSession, payload: dict[str, Any]) -> None:
    FAILURES[payload["code"]] = FAILURES.get(payload["code"], 0) + 1
    await dictionaries.add_code(session, "hardship_cause", payload["code"], "测试", "Test")
    if FAILURES[payload["code"]] <= payload["fail_times"]:
        raise RuntimeError("downstream unavailable")


def _worker(database: Database, settings: Settings) -> Worker:
    return Worker(database, settings, [])


async def _job(database: Database) -> Job:
    async with database.sessionmaker() as session:
        return (await session.execute(select(Job))).scalar_one()


async def _make_due(database: Database) -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))


async def _causes(database: Database) -> list[str]:
    async with database.sessionmaker() as session:
        return list((await session.execute(select(DictionaryCode.code))).scalars())


class TestEnqueue:
    async def test_job_exists_only_if_its_transaction_commits(self, database: Database) -> None:
        async with database.sessionmaker() as session:
            await jobs.enqueue(session, "test.add_cause", {"code": "rolled_back"})
            await session.rollback()
        async with database.sessionmaker() as session:
            assert (await session.execute(select(Job))).first() is None
            await jobs.enqueue(session, "test.add_cause", {"code": "committed"})
            await session.commit()
        job = await _job(database)
        assert (job.kind, job.status, job.attempts, job.payload) == (
            "test.add_cause",
            "pending",
            0,
            {"code": "committed"},
        )

    async def test_unknown_kind_is_refused_at_enqueue(self, database: Database) -> None:
        async with database.sessionmaker() as session:
            with pytest.raises(ValueError, match=r"nobody\.handles\.this"):
                await jobs.enqueue(session, "nobody.handles.this", {})


class TestWorker:
    async def test_runs_a_due_job_and_commits_its_effect_with_done(
        self, database: Database, settings: Settings
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, "test.add_cause", {"code": "job_effect"})
        assert await _worker(database, settings).run_once() == 1
        job = await _job(database)
        assert (job.status, job.attempts, job.locked_by) == ("done", 1, None)
        assert await _causes(database) == ["job_effect"]

    async def test_future_jobs_wait(self, database: Database, settings: Settings) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(
                session,
                "test.add_cause",
                {"code": "later"},
                run_after=utcnow() + timedelta(hours=1),
            )
        assert await _worker(database, settings).run_once() == 0

    async def test_failure_rolls_back_effects_and_retries_with_backoff(
        self, database: Database, settings: Settings
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, "test.flaky", {"code": "flaky_once", "fail_times": 1})
        worker = _worker(database, settings)
        assert await worker.run_once() == 1
        job = await _job(database)
        assert (job.status, job.attempts) == ("pending", 1)
        assert job.last_error == "RuntimeError: downstream unavailable"
        assert job.run_after > utcnow() + timedelta(seconds=3)
        assert await _causes(database) == []
        assert await worker.run_once() == 0
        await _make_due(database)
        assert await worker.run_once() == 1
        assert (await _job(database)).status == "done"
        assert await _causes(database) == ["flaky_once"]

    async def test_exhausted_attempts_make_a_visible_dead_letter_that_can_be_retried(
        self, database: Database, settings: Settings
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(
                session, "test.flaky", {"code": "always", "fail_times": 99}, max_attempts=2
            )
        worker = _worker(database, settings)
        await worker.run_once()
        await _make_due(database)
        await worker.run_once()
        job = await _job(database)
        assert (job.status, job.attempts) == ("dead", 2)
        async with database.sessionmaker() as session:
            assert (await jobs.count_by_status(session))["dead"] == 1
        async with database.sessionmaker() as session, session.begin():
            assert await jobs.retry_dead(session, job.id) is True
            assert await jobs.retry_dead(session, job.id) is False
        job = await _job(database)
        assert (job.status, job.attempts, job.last_error) == ("pending", 0, None)

    async def test_job_of_a_crashed_worker_is_reclaimed_after_its_lease(
        self, database: Database, settings: Settings
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, "test.add_cause", {"code": "orphaned"})
        claimed = await jobs.claim_due(
            database, worker_id="crashed", batch=5, lease=timedelta(minutes=5)
        )
        assert len(claimed) == 1
        assert await _worker(database, settings).run_once() == 0
        async with database.sessionmaker() as session, session.begin():
            await session.execute(update(Job).values(locked_until=utcnow() - timedelta(seconds=1)))
        assert await _worker(database, settings).run_once() == 1
        assert await _causes(database) == ["orphaned"]

    async def test_a_late_finish_by_the_crashed_worker_does_not_overwrite(
        self, database: Database, settings: Settings
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, "test.add_cause", {"code": "taken_over"})
        stale = (
            await jobs.claim_due(database, worker_id="slow", batch=1, lease=timedelta(seconds=0))
        )[0]
        await asyncio.sleep(0.01)
        assert await _worker(database, settings).run_once() == 1
        status = await jobs.run_job(database, stale, worker_id="slow")
        assert status is JobStatus.pending
        job = await _job(database)
        assert job.status == "done"

    async def test_loop_runs_until_stopped(self, database: Database, settings: Settings) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, "test.add_cause", {"code": "looped"})
        stop = asyncio.Event()
        task = asyncio.create_task(_worker(database, settings).run(stop))
        for _ in range(100):
            if await _causes(database):
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 5)
        assert await _causes(database) == ["looped"]


class TestConcurrentClaims:
    async def test_two_workers_never_claim_the_same_job(self, database: Database) -> None:
        async with database.sessionmaker() as session, session.begin():
            for index in range(40):
                await jobs.enqueue(session, "test.add_cause", {"code": f"c{index}"})
        lease = timedelta(minutes=5)
        batches = await asyncio.gather(
            *(jobs.claim_due(database, worker_id=f"w{n}", batch=7, lease=lease) for n in range(6))
        )
        claimed = [job.id for batch in batches for job in batch]
        assert len(claimed) == len(set(claimed)) == 40
        async with database.sessionmaker() as session:
            owners = (
                (await session.execute(select(Job.locked_by).where(Job.status == "running")))
                .scalars()
                .all()
            )
        assert len(owners) == 40
