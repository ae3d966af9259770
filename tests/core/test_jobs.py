"""Durable jobs: transactional enqueue, one-at-a-time claims with a lease, timeouts, retries,
dead letters, and a lost lease that rolls a run back (app/core/jobs.py, app/core/worker.py)."""

import asyncio
import logging
import traceback
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from app.core import jobs
from app.core.db import Database, utcnow
from app.core.jobs import Job, JobContext, JobKind, JobRegistry
from app.core.services import Services
from app.core.worker import PeriodicTask, Worker
from app.dictionaries import service as dictionaries
from app.dictionaries.models import DictionaryCode
from tests.logs import events

ADD_CAUSE = JobKind("test.add_cause")
FLAKY = JobKind("test.flaky")
TWICE = JobKind("test.flaky_twice", max_attempts=2)
SLOW = JobKind("test.slow", timeout_seconds=0.05)
UNHANDLED = JobKind("nobody.handles.this")
FAILURES: dict[str, int] = {}


async def _add_cause(context: JobContext) -> None:
    await dictionaries.add_code(
        context.session, "hardship_cause", context.job.payload["code"], "测试", "Test"
    )


async def _flaky(context: JobContext) -> None:
    code = context.job.payload["code"]
    FAILURES[code] = FAILURES.get(code, 0) + 1
    await _add_cause(context)
    if FAILURES[code] <= context.job.payload["fail_times"]:
        raise RuntimeError("downstream unavailable")


async def _slow(context: JobContext) -> None:
    await _add_cause(context)
    await asyncio.sleep(1)


REGISTRY = JobRegistry([(ADD_CAUSE, _add_cause), (FLAKY, _flaky), (TWICE, _flaky), (SLOW, _slow)])


@pytest.fixture
def services(app: FastAPI) -> Services:
    found: Services = app.state.services
    return found


def _worker(services: Services) -> Worker:
    return Worker(services, REGISTRY, [])


async def _job(database: Database) -> Job:
    async with database.sessionmaker() as session:
        return (await session.execute(select(Job))).scalar_one()


async def _make_due(database: Database) -> None:
    async with database.sessionmaker() as session, session.begin():
        await session.execute(update(Job).values(run_after=utcnow() - timedelta(seconds=1)))


async def _causes(database: Database) -> list[str]:
    async with database.sessionmaker() as session:
        return list((await session.execute(select(DictionaryCode.code))).scalars())


class TestRegistry:
    def test_a_kind_is_registered_once(self) -> None:
        with pytest.raises(ValueError, match=r"test\.add_cause"):
            JobRegistry([(ADD_CAUSE, _add_cause), (JobKind("test.add_cause"), _flaky)])

    def test_every_kind_the_app_enqueues_has_its_handler(self) -> None:
        from app.domains import job_registry
        from app.imports.job import IMPORT

        assert IMPORT.name in job_registry()


class TestEnqueue:
    async def test_job_exists_only_if_its_transaction_commits(self, database: Database) -> None:
        async with database.sessionmaker() as session:
            await jobs.enqueue(session, ADD_CAUSE, {"code": "rolled_back"})
            await session.rollback()
        async with database.sessionmaker() as session:
            assert (await session.execute(select(Job))).first() is None
            await jobs.enqueue(session, ADD_CAUSE, {"code": "committed"})
            await session.commit()
        job = await _job(database)
        assert (job.kind, job.status, job.attempts, job.max_attempts, job.payload) == (
            "test.add_cause",
            "pending",
            0,
            8,
            {"code": "committed"},
        )

    async def test_a_kind_without_a_handler_is_a_dead_letter_at_once(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, UNHANDLED, {})
        assert await _worker(services).run_once() == 1
        job = await _job(database)
        assert (job.status, job.last_error) == (
            "dead",
            "LookupError: no handler for job kind 'nobody.handles.this'",
        )


class TestWorker:
    async def test_runs_a_due_job_and_commits_its_effect_with_done(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, ADD_CAUSE, {"code": "job_effect"})
        assert await _worker(services).run_once() == 1
        job = await _job(database)
        assert (job.status, job.attempts, job.locked_by) == ("done", 1, None)
        assert await _causes(database) == ["job_effect"]

    async def test_future_jobs_wait(self, database: Database, services: Services) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(
                session, ADD_CAUSE, {"code": "later"}, run_after=utcnow() + timedelta(hours=1)
            )
        assert await _worker(services).run_once() == 0

    async def test_failure_rolls_back_effects_and_retries_with_backoff(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, FLAKY, {"code": "flaky_once", "fail_times": 1})
        worker = _worker(services)
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

    async def test_a_run_over_its_kinds_timeout_fails_and_keeps_nothing(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, SLOW, {"code": "too_slow"})
        assert await _worker(services).run_once() == 1
        job = await _job(database)
        assert (job.status, job.last_error) == ("pending", "TimeoutError: ")
        assert await _causes(database) == []

    async def test_exhausted_attempts_make_a_visible_dead_letter_that_can_be_retried(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, TWICE, {"code": "always", "fail_times": 99})
        worker = _worker(services)
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

    async def test_jobs_are_claimed_one_at_a_time_each_with_a_fresh_lease(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            for code in ("first", "second"):
                await jobs.enqueue(session, ADD_CAUSE, {"code": code})
        lease = timedelta(minutes=5)
        one = await jobs.claim_next(database, worker_id="w", lease=lease)
        assert one is not None
        async with database.sessionmaker() as session:
            running = (
                await session.execute(select(Job.status, Job.locked_until).order_by(Job.id))
            ).all()
        assert [status for status, _ in running] == ["running", "pending"]
        assert running[0][1] is not None
        assert running[0][1] > utcnow() + lease - timedelta(seconds=5)

    async def test_job_of_a_crashed_worker_is_reclaimed_after_its_lease(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, ADD_CAUSE, {"code": "orphaned"})
        claimed = await jobs.claim_next(database, worker_id="crashed", lease=timedelta(minutes=5))
        assert claimed is not None
        assert await _worker(services).run_once() == 0
        async with database.sessionmaker() as session, session.begin():
            await session.execute(update(Job).values(locked_until=utcnow() - timedelta(seconds=1)))
        assert await _worker(services).run_once() == 1
        assert await _causes(database) == ["orphaned"]

    async def test_a_run_whose_lease_was_lost_rolls_back_instead_of_committing(
        self, database: Database, services: Services
    ) -> None:
        """The crashed worker comes back and finishes: another worker owns the job by then,
        so nothing of the late run is kept (its effect would be a second copy)."""
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, ADD_CAUSE, {"code": "taken_over"})
        stale = await jobs.claim_next(database, worker_id="slow", lease=timedelta(seconds=0))
        assert stale is not None
        await asyncio.sleep(0.01)
        assert await _worker(services).run_once() == 1
        outcome = await jobs.run_job(
            services, REGISTRY, stale, worker_id="slow", lease=timedelta(minutes=5)
        )
        assert outcome is None
        job = await _job(database)
        assert (job.status, job.attempts) == ("done", 2)
        assert await _causes(database) == ["taken_over"]

    async def test_a_run_past_its_lease_keeps_nothing_even_before_another_claims_it(
        self, database: Database, services: Services
    ) -> None:
        """Once the lease has run out any worker may claim the job at any moment, so the
        late run rolls back; the job is claimed again and its effect kept once."""
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, ADD_CAUSE, {"code": "overran"})
        late = await jobs.claim_next(database, worker_id="late", lease=timedelta(seconds=0))
        assert late is not None
        await asyncio.sleep(0.01)
        outcome = await jobs.run_job(
            services, REGISTRY, late, worker_id="late", lease=timedelta(minutes=5)
        )
        assert outcome is None
        assert await _causes(database) == []
        job = await _job(database)
        assert (job.status, job.locked_by, job.attempts) == ("running", "late", 1)
        assert await _worker(services).run_once() == 1
        job = await _job(database)
        assert (job.status, job.attempts) == ("done", 2)
        assert await _causes(database) == ["overran"]

    async def test_renewing_a_lost_lease_stops_the_run(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, ADD_CAUSE, {"code": "renewed"})
        claimed = await jobs.claim_next(database, worker_id="w1", lease=timedelta(seconds=1))
        assert claimed is not None
        async with database.sessionmaker() as session:
            context = JobContext(session, services, claimed, "w1", timedelta(minutes=5))
            await context.renew_lease()
            async with session.begin():
                await session.execute(update(Job).values(locked_by="w2"))
            with pytest.raises(jobs.LeaseLost):
                await context.renew_lease()

    async def test_an_expired_lease_cannot_be_renewed(
        self, database: Database, services: Services
    ) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, ADD_CAUSE, {"code": "expired"})
        claimed = await jobs.claim_next(database, worker_id="w1", lease=timedelta(seconds=0))
        assert claimed is not None
        await asyncio.sleep(0.01)
        async with database.sessionmaker() as session:
            context = JobContext(session, services, claimed, "w1", timedelta(minutes=5))
            with pytest.raises(jobs.LeaseLost):
                await context.renew_lease()

    async def test_a_failed_attempt_is_logged_with_its_traceback(
        self, database: Database, services: Services, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.INFO, logger="app.core.jobs")
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, FLAKY, {"code": "logged", "fail_times": 1})
        assert await _worker(services).run_once() == 1
        job = await _job(database)
        logged = [
            r
            for r in caplog.records
            if isinstance(r.msg, dict) and r.msg.get("event") == "job_attempt_failed"
        ]
        assert len(logged) == 1
        fields = logged[0].msg
        assert isinstance(fields, dict)
        assert (fields["job_id"], fields["kind"], fields["attempt"], fields["outcome"]) == (
            str(job.id),
            "test.flaky",
            1,
            "pending",
        )
        assert logged[0].levelno == logging.ERROR
        exc_info = logged[0].exc_info
        assert exc_info is not None
        assert exc_info[0] is RuntimeError
        rendered = "".join(traceback.format_exception(*exc_info))
        assert "in _flaky" in rendered
        assert "downstream unavailable" in rendered

    async def test_loop_runs_until_stopped(self, database: Database, services: Services) -> None:
        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, ADD_CAUSE, {"code": "looped"})
        stop = asyncio.Event()
        task = asyncio.create_task(_worker(services).run(stop))
        for _ in range(100):
            if await _causes(database):
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 5)
        assert await _causes(database) == ["looped"]


class TestOwnTasks:
    """Upkeep with `own_task` runs in an asyncio task of its own beside the job loop."""

    async def test_a_failed_round_is_reported_and_the_next_comes(
        self, services: Services, caplog: pytest.LogCaptureFixture
    ) -> None:
        rounds: list[int] = []

        async def flaky(_session: object, _services: Services) -> None:
            rounds.append(len(rounds))
            if len(rounds) == 1:
                raise RuntimeError("receiver exploded")

        worker = Worker(services, REGISTRY, [PeriodicTask("flaky", 0.01, flaky, own_task=True)])
        assert [t.name for t in worker.tasks] == ["job_metrics"]
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        for _ in range(100):
            if len(rounds) >= 3:
                break
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(running, 5)
        assert len(rounds) >= 3
        (failed,) = events(caplog, "upkeep_failed")
        assert failed["task"] == "flaky"
        (record,) = [r for r in caplog.records if r.msg is failed]
        assert record.exc_info is not None
        assert record.exc_info[0] is RuntimeError

    async def test_stopping_the_worker_cancels_a_round_that_waits(
        self, database: Database, services: Services
    ) -> None:
        waiting = asyncio.Event()
        cancelled: list[bool] = []

        async def stuck(_session: object, _services: Services) -> None:
            waiting.set()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                cancelled.append(True)
                raise

        async with database.sessionmaker() as session, session.begin():
            await jobs.enqueue(session, ADD_CAUSE, {"code": "beside"})
        worker = Worker(services, REGISTRY, [PeriodicTask("stuck", 1.0, stuck, own_task=True)])
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        await asyncio.wait_for(waiting.wait(), 5)
        for _ in range(100):
            if await _causes(database):
                break
            await asyncio.sleep(0.05)
        assert await _causes(database) == ["beside"], "the job loop waited for the round"
        stop.set()
        await asyncio.wait_for(running, 5)
        assert cancelled == [True]
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "upkeep:stuck"]


class TestConcurrentClaims:
    async def test_concurrent_workers_never_claim_the_same_job(self, database: Database) -> None:
        async with database.sessionmaker() as session, session.begin():
            for index in range(40):
                await jobs.enqueue(session, ADD_CAUSE, {"code": f"c{index}"})
        lease = timedelta(minutes=5)

        async def claim_all(worker: str) -> list[jobs.ClaimedJob]:
            claimed = []
            while (
                job := await jobs.claim_next(database, worker_id=worker, lease=lease)
            ) is not None:
                claimed.append(job)
            return claimed

        batches = await asyncio.gather(*(claim_all(f"w{n}") for n in range(6)))
        claimed = [job.id for batch in batches for job in batch]
        assert len(claimed) == len(set(claimed)) == 40
        async with database.sessionmaker() as session:
            owners = (
                (await session.execute(select(Job.locked_by).where(Job.status == "running")))
                .scalars()
                .all()
            )
        assert len(owners) == 40
