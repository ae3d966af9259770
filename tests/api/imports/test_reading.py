"""GET /api/v1/imports and /{id}: your own imports and those within your jurisdiction only."""

import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import jobs
from app.core.config import Settings
from app.households.models import Household
from app.imports.job import IMPORT
from app.imports.job import run as run_import_job
from app.imports.models import Import
from tests.api.imports.conftest import csv_file, error_rows, person, run_jobs, upload
from tests.conftest import sign_in
from tests.factories import id_number
from tests.problems import assert_problem


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def community_import(anonymous: httpx.AsyncClient, worker_token: str) -> str:
    """An import uploaded by the community worker of 500112001001."""
    response = await upload(anonymous, worker_token, csv_file([person("H1")]))
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


class TestGet:
    @pytest.mark.parametrize("username", ["community_worker", "street_officer"])
    async def test_uploader_and_staff_above_see_it(
        self, anonymous: httpx.AsyncClient, community_import: str, username: str
    ) -> None:
        token = await sign_in(anonymous, username)
        response = await anonymous.get(f"/api/v1/imports/{community_import}", headers=_auth(token))
        assert response.status_code == 200, response.text
        assert response.json()["id"] == community_import

    @pytest.mark.parametrize("username", ["street_officer_2"])
    async def test_others_get_404(
        self, anonymous: httpx.AsyncClient, community_import: str, username: str
    ) -> None:
        token = await sign_in(anonymous, username)
        for path in ("", "/errors"):
            response = await anonymous.get(
                f"/api/v1/imports/{community_import}{path}", headers=_auth(token)
            )
            assert_problem(response, 404, "not_found")

    async def test_unknown_id_is_404(self, anonymous: httpx.AsyncClient, worker_token: str) -> None:
        response = await anonymous.get(
            "/api/v1/imports/01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11", headers=_auth(worker_token)
        )
        assert_problem(response, 404, "not_found")

    async def test_social_worker_is_403(
        self, anonymous: httpx.AsyncClient, community_import: str
    ) -> None:
        token = await sign_in(anonymous, "social_worker")
        response = await anonymous.get(f"/api/v1/imports/{community_import}", headers=_auth(token))
        assert_problem(response, 403, "forbidden")


class TestList:
    async def test_lists_what_the_caller_may_see(
        self, anonymous: httpx.AsyncClient, community_import: str
    ) -> None:
        officer = await sign_in(anonymous, "street_officer")
        own = await upload(anonymous, officer, csv_file([person("S1")]))
        seen = await anonymous.get("/api/v1/imports", headers=_auth(officer))
        assert [i["id"] for i in seen.json()["items"]] == [community_import, own.json()["id"]]
        worker = await sign_in(anonymous, "community_worker")
        listed = await anonymous.get("/api/v1/imports", headers=_auth(worker))
        assert [i["id"] for i in listed.json()["items"]] == [community_import]
        other = await sign_in(anonymous, "street_officer_2")
        nothing = await anonymous.get("/api/v1/imports", headers=_auth(other))
        assert nothing.json() == {"items": [], "next_cursor": None}

    async def test_pages(self, anonymous: httpx.AsyncClient, worker_token: str) -> None:
        ids = [
            (await upload(anonymous, worker_token, csv_file([person(f"H{i}")]))).json()["id"]
            for i in range(3)
        ]
        first = await anonymous.get(
            "/api/v1/imports", params={"limit": 2}, headers=_auth(worker_token)
        )
        second = await anonymous.get(
            "/api/v1/imports",
            params={"limit": 2, "cursor": first.json()["next_cursor"]},
            headers=_auth(worker_token),
        )
        assert [i["id"] for i in first.json()["items"] + second.json()["items"]] == ids
        assert second.json()["next_cursor"] is None


class TestProgress:
    async def test_counters_at_the_end_equal_the_totals(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        worker_token: str,
    ) -> None:
        settings.import_batch_size = 2
        rows = [person(f"H{i}") for i in range(7)]
        rows += [person("H0", name="重复户")]
        response = await upload(anonymous, worker_token, csv_file(rows))
        await run_jobs(app)
        body = (
            await anonymous.get(response.headers["location"], headers=_auth(worker_token))
        ).json()
        assert body["status"] == "succeeded"
        assert body["rows_total"] == body["rows_done"] == 8
        assert body["households_imported"] + body["households_failed"] == 8
        assert (body["households_imported"], body["households_failed"]) == (7, 1)
        table = await error_rows(anonymous, worker_token, body["id"])
        assert body["errors_count"] == len(table) - 1 == 1

    async def test_the_job_delivered_twice_imports_each_row_once(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        """Jobs are delivered at least once: the handler run again changes nothing."""
        response = await upload(anonymous, worker_token, csv_file([person("H1"), person("H2")]))
        import_id = response.json()["id"]
        await run_jobs(app)
        before = (
            await anonymous.get(f"/api/v1/imports/{import_id}", headers=_auth(worker_token))
        ).json()
        job_id = (await session.execute(select(Import.job_id))).scalar_one()
        await session.commit()
        claimed = jobs.ClaimedJob(job_id, IMPORT.name, {"import_id": import_id}, 2, 3)
        async with app.state.services.database.sessionmaker() as job_session:
            context = jobs.JobContext(
                job_session, app.state.services, claimed, "again", timedelta(minutes=5)
            )
            await run_import_job(context)
        after = (
            await anonymous.get(f"/api/v1/imports/{import_id}", headers=_auth(worker_token))
        ).json()
        assert after == before
        assert before["households_imported"] == 2
        assert await session.scalar(select(func.count()).select_from(Household)) == 2

    async def test_cells_a_spreadsheet_would_run_are_neutralised_in_the_errors_file(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        formula = '=HYPERLINK("http://evil.example","点我")'
        rows = [person(formula, name=""), person("@SUM(1)", name="")]
        response = await upload(anonymous, worker_token, csv_file(rows))
        await run_jobs(app)
        table = await error_rows(anonymous, worker_token, response.json()["id"])
        keys = [row[1] for row in table[1:]]
        assert keys == ["'" + formula, "'@SUM(1)"]

    async def test_a_retried_job_resumes_after_the_last_committed_batch(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        settings: Settings,
        session: AsyncSession,
        worker_token: str,
    ) -> None:
        """As if a first run had committed the first household and then died."""
        number = id_number()
        rows = [person("H1", number=number), person("H2"), person("H3", number=number)]
        response = await upload(anonymous, worker_token, csv_file(rows))
        import_id = response.json()["id"]
        await session.execute(
            update(Import)
            .where(Import.id == uuid.UUID(import_id))
            .values(rows_done=1, rows_total=3, households_imported=1, status="running")
        )
        await session.commit()
        await run_jobs(app)
        body = (
            await anonymous.get(f"/api/v1/imports/{import_id}", headers=_auth(worker_token))
        ).json()
        assert (body["status"], body["rows_done"]) == ("succeeded", 3)
        # H1 was not written again; H3 still repeats H1's person, remembered from the skipped rows.
        assert (body["households_imported"], body["households_failed"]) == (2, 1)
        households = await anonymous.get(
            "/api/v1/households", params={"address": "龙湖社区 H"}, headers=_auth(worker_token)
        )
        assert sorted(h["address"] for h in households.json()["items"]) == ["龙湖社区 H2 号"]
