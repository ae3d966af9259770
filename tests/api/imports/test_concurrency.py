"""Imports under concurrency: a person added by another request between the duplicate
check and the batch INSERT; several workers, and a run whose job another worker claimed."""

import asyncio
import logging
import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import jobs
from app.core.config import Settings
from app.core.db import utcnow
from app.core.jobs import Job, JobContext
from app.core.worker import Worker
from app.domains import build_worker, job_registry
from app.households.models import Household
from app.imports import processing
from app.imports.job import run as run_import_job
from app.imports.models import Import
from app.imports.parsing import HouseholdReader
from app.imports.sources import data_rows, find_layout, open_rows
from tests.api.imports.conftest import csv_file, person, upload
from tests.factories import create_household, id_number

_TROUBLE = ("job_attempt_failed", "job_lease_lost", "import_superseded")


async def test_only_the_household_that_collides_fails(
    anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
) -> None:
    number = id_number()
    rows = [person("H1"), person("H2", name="李四", number=number), person("H3")]
    response = await upload(anonymous, worker_token, csv_file(rows))
    import_id = uuid.UUID(response.json()["id"])
    run = await processing.start(app.state.services, import_id)
    assert run is not None
    reader = HouseholdReader(run.codes, run.vault, run.origin.today)
    with open_rows(run.path, "csv", "utf-8") as lines:
        drafts = list(reader.households(data_rows(lines, find_layout(lines))))
    batch = await processing.prepare(run, drafts)
    assert [d.key for d in batch.valid] == ["H1", "H2", "H3"]
    # The batch is checked and ready; then another request enrols H2's person.
    await create_household(
        app, members=[{"name": "李四", "id_number": number, "relation_to_head": "self"}]
    )
    async with run.sessions() as session, session.begin():
        written = await processing.write_households(session, run, batch)
    assert [d.key for d in written] == ["H1", "H3"]
    assert [(e.row, e.column, e.code) for e in drafts[1].errors] == [
        (3, "身份证号", "person_already_in_household")
    ]
    households = await anonymous.get(
        "/api/v1/households",
        params={"address": "龙湖社区 H"},
        headers={"Authorization": f"Bearer {worker_token}"},
    )
    assert sorted(h["address"] for h in households.json()["items"]) == [
        "龙湖社区 H1 号",
        "龙湖社区 H3 号",
    ]


async def _upload_all(anonymous: httpx.AsyncClient, token: str, files: int, rows: int) -> list[str]:
    ids = []
    for n in range(files):
        content = csv_file([person(f"F{n}-{k}") for k in range(rows)])
        response = await upload(anonymous, token, content)
        assert response.status_code == 202, response.text
        ids.append(response.json()["id"])
    return ids


async def _drain(worker: Worker) -> int:
    ran = 0
    while count := await worker.run_once():
        ran += count
    return ran


class TestWorkers:
    """Issue 12 item 16: jobs claimed one at a time, rows locked in one order (the import,
    then its job), and a run that no longer holds its job writes nothing."""

    async def test_two_workers_at_once_run_each_import_once(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        session: AsyncSession,
        worker_token: str,
        monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.INFO)
        services = app.state.services
        # One household per transaction: many interleaved import and job row locks.
        monkeypatch.setattr(services.settings, "import_batch_size", 1)
        ids = await _upload_all(anonymous, worker_token, files=6, rows=3)
        ran = await asyncio.wait_for(
            asyncio.gather(_drain(build_worker(services)), _drain(build_worker(services))), 120
        )
        assert sum(ran) == 6
        imports = (await session.execute(select(Import).order_by(Import.id))).scalars().all()
        assert sorted(str(i.id) for i in imports) == sorted(ids)
        assert [(i.status, i.attempts, i.households_imported) for i in imports] == [
            ("succeeded", 1, 3)
        ] * 6
        states = (await session.execute(select(Job.status, Job.attempts))).all()
        assert sorted(states) == [("done", 1)] * 6
        assert await session.scalar(select(func.count()).select_from(Household)) == 18
        events = [r.msg.get("event") for r in caplog.records if isinstance(r.msg, dict)]
        assert not [e for e in events if e in _TROUBLE]

    async def test_a_run_whose_job_another_worker_claimed_writes_nothing(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        """The first worker's lease ran out and a second claimed the job: the first, still
        running, stops before its first write instead of importing alongside the second."""
        services, database = app.state.services, app.state.services.database
        [import_id] = await _upload_all(anonymous, worker_token, files=1, rows=2)
        lease = timedelta(minutes=5)
        stale = await jobs.claim_next(database, worker_id="first", lease=lease)
        assert stale is not None
        async with database.sessionmaker() as expire, expire.begin():
            await expire.execute(update(Job).values(locked_until=utcnow()))
        current = await jobs.claim_next(database, worker_id="second", lease=lease)
        assert current is not None
        assert current.id == stale.id

        async with database.sessionmaker() as job_session:
            with pytest.raises(jobs.LeaseLost):
                await run_import_job(JobContext(job_session, services, stale, "first", lease))
        record = await session.get(Import, uuid.UUID(import_id))
        assert record is not None
        assert (record.status, record.attempts, record.rows_done) == ("queued", 0, 0)
        assert await session.scalar(select(func.count()).select_from(Household)) == 0
        await session.commit()

        outcome = await jobs.run_job(
            services, job_registry(), current, worker_id="second", lease=lease
        )
        assert outcome is jobs.JobStatus.done
        record = await session.get(Import, uuid.UUID(import_id), populate_existing=True)
        assert record is not None
        assert (record.status, record.attempts, record.households_imported) == (
            "succeeded",
            1,
            2,
        )
        assert await session.scalar(select(func.count()).select_from(Household)) == 2
