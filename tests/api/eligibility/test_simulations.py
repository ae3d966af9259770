"""Simulations through HTTP (issue 15 item 4): created by district officers, run by the
worker as it runs every job, read with their progress and counts, cancelled; the changed
households listed and downloaded; scope, roles and bad input."""

import csv
import io
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.jobs import Job
from app.core.masking import Viewer
from app.core.permissions import Role
from app.eligibility.models import Assessment
from app.eligibility.simulations import runner
from app.eligibility.simulations.kinds import MAX_ATTEMPTS, SIMULATION_PART
from app.eligibility.simulations.models import Simulation, SimulationPart
from app.eligibility.simulations.service import export_rows
from app.households import public as households
from app.households.models import Household
from tests.api.eligibility.conftest import OTHER_OFFICER
from tests.api.eligibility.policies_http import POLICIES, create_policy, published, step
from tests.api.eligibility.simulations_http import (
    SIMULATIONS,
    all_changes,
    read,
    run_jobs,
    simulated,
    start,
    started,
)
from tests.api.eligibility.test_gather import WINDOW, income
from tests.api.households.ledger_http import bearer, fetch
from tests.factories import CORE_FIELDS, GRID_A1_1, GRID_B1_1, create_household

D = date(2026, 6, 15)


async def _household(
    app: FastAPI, http: httpx.AsyncClient, monthly: str | None, region: str = GRID_A1_1
) -> Any:
    """A one-person household (since 2020) with hukou in the district since 2010, no assets, and
    `monthly` income each window month (None: no income recorded)."""
    household = await create_household(
        app,
        region=region,
        members=[{"name": "张秀英", "relation_to_head": "self", "joined_on": "2020-01-01"}],
        **CORE_FIELDS,
    )
    officer = "street_officer_2" if region == GRID_B1_1 else "street_officer"
    headers = await bearer(http, officer)
    url = f"/api/v1/households/{household.id}"
    for path, items, params in (
        ("assets", [], {}),
        ("incomes", [] if monthly is None else [income(m, monthly) for m in WINDOW], SPAN),
    ):
        version = (await http.get(url, headers=headers)).json()["version"]
        response = await http.put(
            f"{url}/{path}",
            json={"items": items},
            params=params,
            headers={**headers, "If-Match": f'W/"{version}"'},
        )
        assert response.status_code == 200, response.text
    return household


SPAN = {"from": "2025-06", "to": "2026-05"}


@pytest.fixture
async def ledger(app: FastAPI, http: httpx.AsyncClient) -> dict[str, Any]:
    """Four households; under L = 720 (published) 1 000 a month is income type, 2 000 not
    eligible, none recorded cannot be assessed; the draft's L = 1 200 makes 2 000 income type
    and 1 000 below L (refer to dibao)."""
    households = {
        "low": await _household(app, http, "1000.00"),
        "middle": await _household(app, http, "2000.00"),
        "other_street": await _household(app, http, "2000.00", GRID_B1_1),
        "unknown": await _household(app, http, None),
    }
    current = await published(http)
    draft = await create_policy(http, name="拟调整标准", dibao_standard="1200.00")
    return {"households": households, "current": current, "draft": draft}


class TestRun:
    async def test_counts_changes_and_progress_after_the_worker_ran(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        created = await started(http, ledger["draft"]["id"], reference_date=D.isoformat())
        assert (created["status"], created["progress"]) == (
            "queued",
            {"processed": 0, "total": None},
        )
        assert (created["region_code"], created["transitions"]) == ("500112", None)

        assert await run_jobs(app) >= 1
        done = (await read(http, created["id"])).json()

        assert done["status"] == "succeeded"
        assert done["progress"] == {"processed": 4, "total": 4}
        assert done["timings"]["started_at"]
        assert done["timings"]["finished_at"]
        assert done["timings"]["seconds"] >= 0
        assert done["changed"] == 3, done["transitions"]
        assert done["transitions"] == [
            {"region_code": GRID_A1_1, "from": "cannot_assess", "to": "cannot_assess", "count": 1},
            {
                "region_code": GRID_A1_1,
                "from": "income_poverty",
                "to": "refer_to_dibao",
                "count": 1,
            },
            {"region_code": GRID_A1_1, "from": "not_eligible", "to": "income_poverty", "count": 1},
            {"region_code": GRID_B1_1, "from": "not_eligible", "to": "income_poverty", "count": 1},
        ]
        assert done["totals"] == [
            {"from": "cannot_assess", "to": "cannot_assess", "count": 1},
            {"from": "income_poverty", "to": "refer_to_dibao", "count": 1},
            {"from": "not_eligible", "to": "income_poverty", "count": 2},
        ]
        changes = await all_changes(http, created["id"])
        households = ledger["households"]
        moved = {c["household_id"]: (c["from"], c["to"]) for c in changes}
        assert moved == {
            str(households["low"].id): ("income_poverty", "refer_to_dibao"),
            str(households["middle"].id): ("not_eligible", "income_poverty"),
            str(households["other_street"].id): ("not_eligible", "income_poverty"),
        }
        assert [c["household_id"] for c in changes] == sorted(moved, key=uuid.UUID)
        middle = next(c for c in changes if c["household_id"] == str(households["middle"].id))
        assert middle["head_name"] == "张秀英"
        assert middle["ledger_number"] == households["middle"].ledger_number
        assert middle["score"] is not None
        assert 0 <= float(middle["score"]) <= 100
        low = next(c for c in changes if c["household_id"] == str(households["low"].id))
        assert low["score"] is None

    async def test_no_policy_in_force_is_its_own_outcome_and_nothing_of_the_ledger_changes(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        versions = await fetch(app, select(Household.id, Household.version))

        done = await simulated(app, http, ledger["draft"]["id"], reference_date="2025-12-31")

        assert {(t["from"], t["to"]) for t in done["totals"]} <= {
            ("no_policy", "cannot_assess"),
        }
        assert await fetch(app, select(Household.id, Household.version)) == versions
        assert await fetch(app, select(func.count()).select_from(Assessment)) == [(0,)]

    async def test_a_street_simulates_its_own_subtree_and_the_default_date_is_today(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        done = await simulated(app, http, ledger["draft"]["id"], region="500112002")

        assert done["region_code"] == "500112002"
        assert done["progress"] == {"processed": 1, "total": 1}
        assert {t["region_code"] for t in done["transitions"]} == {GRID_B1_1}
        assert done["reference_date"] == business_today().isoformat()

    async def test_creation_and_cancellation_are_audited(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        created = await started(http, ledger["draft"]["id"])
        cancelled = await http.post(
            f"{SIMULATIONS}/{created['id']}/cancel", headers=await bearer(http, "district_officer")
        )
        assert cancelled.status_code == 200, cancelled.text

        actions = await fetch(
            app,
            select(AuditEvent.action, AuditEvent.region_code).where(
                AuditEvent.object_id == created["id"]
            ),
        )
        assert sorted(actions) == [("simulation.cancel", "500112"), ("simulation.create", "500112")]

    async def test_reading_the_changed_households_is_audited(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        done = await simulated(app, http, ledger["draft"]["id"])
        headers = await bearer(http, "district_officer")
        listed = await http.get(f"{SIMULATIONS}/{done['id']}/changes", headers=headers)
        exported = await http.get(f"{SIMULATIONS}/{done['id']}/changes.csv", headers=headers)
        assert (listed.status_code, exported.status_code) == (200, 200)

        actions = await fetch(
            app,
            select(AuditEvent.action, AuditEvent.object_type).where(
                AuditEvent.object_id == done["id"], AuditEvent.action.like("simulation.changes.%")
            ),
        )
        assert sorted(actions) == [
            ("simulation.changes.export", "simulation"),
            ("simulation.changes.read", "simulation"),
        ]


class TestEditedDraft:
    async def test_a_draft_edited_after_the_simulation_was_asked_for_fails_it(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        draft = ledger["draft"]
        created = await started(http, draft["id"], reference_date=D.isoformat())
        assert created["policy_version_version"] == draft["version"]
        edited = await http.patch(
            f"{POLICIES}/{draft['id']}",
            json={"dibao_standard": "1300.00"},
            headers={
                **await bearer(http, "district_officer"),
                "If-Match": f'W/"{draft["version"]}"',
            },
        )
        assert edited.status_code == 200, edited.text

        await run_jobs(app)

        after = (await read(http, created["id"])).json()
        assert (after["status"], after["failure_code"]) == ("failed", "policy_version_changed")
        assert (after["progress"]["processed"], after["transitions"]) == (0, None)


class TestBatches:
    async def test_small_batches_count_the_same_and_a_retry_after_a_crash_does_not_double_count(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        ledger: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        whole = await simulated(app, http, ledger["draft"]["id"], reference_date=D.isoformat())
        created = await started(http, ledger["draft"]["id"], reference_date=D.isoformat())
        services = app.state.services
        simulation_id = uuid.UUID(created["id"])
        evaluate, calls = runner.evaluate, []

        def crashing(*args: Any) -> Any:
            calls.append(args)
            if len(calls) == 3:
                raise RuntimeError("worker died")
            return evaluate(*args)

        monkeypatch.setattr(runner, "evaluate", crashing)
        with pytest.raises(RuntimeError):
            await runner.run_simulation(services, simulation_id, batch_size=2)
        halfway = (await read(http, created["id"])).json()
        assert (halfway["status"], halfway["progress"]) == (
            "running",
            {"processed": 2, "total": 4},
        )

        monkeypatch.setattr(runner, "evaluate", evaluate)
        await runner.run_simulation(services, simulation_id, batch_size=1)
        await runner.run_simulation(services, simulation_id, batch_size=1)

        again = (await read(http, created["id"])).json()
        assert again["status"] == "succeeded"
        assert again["progress"] == {"processed": 4, "total": 4}
        assert (again["transitions"], again["changed"]) == (whole["transitions"], whole["changed"])
        assert await all_changes(http, created["id"]) == await all_changes(http, whole["id"])
        [(attempts,)] = await fetch(
            app, select(Simulation.attempts).where(Simulation.id == simulation_id)
        )
        assert attempts == 2


def _in_parts(app: FastAPI, monkeypatch: pytest.MonkeyPatch, parts: int) -> None:
    """Cut every simulation of the app into `parts` parts, whatever its size."""
    settings = app.state.services.settings
    monkeypatch.setattr(settings, "simulation_parts", parts)
    monkeypatch.setattr(settings, "simulation_part_min_households", 1)


async def _started_in_parts(
    app: FastAPI,
    http: httpx.AsyncClient,
    ledger: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    parts: int,
) -> tuple[dict[str, Any], uuid.UUID]:
    """The draft's simulation on D queued, to be cut into `parts` parts; its body and id."""
    _in_parts(app, monkeypatch, parts)
    created = await started(http, ledger["draft"]["id"], reference_date=D.isoformat())
    return created, uuid.UUID(created["id"])


async def _parts(app: FastAPI, simulation_id: str) -> list[tuple[int, Any, Any, bool]]:
    """(part, until, checkpoint, finished) of each part, in order."""
    rows = await fetch(
        app,
        select(
            SimulationPart.part,
            SimulationPart.until_id,
            SimulationPart.checkpoint,
            SimulationPart.finished_at.is_not(None),
        )
        .where(SimulationPart.simulation_id == uuid.UUID(simulation_id))
        .order_by(SimulationPart.part),
    )
    return [tuple(row) for row in rows]


class TestParts:
    @pytest.mark.parametrize(
        ("parts", "positions"),
        [(1, [4]), (2, [2, 4]), (3, [2, 3, 4]), (4, [1, 2, 3, 4]), (6, [1, 2, 3, 4])],
    )
    async def test_the_split_ends_each_part_at_an_even_position_and_the_last_at_the_last(
        self, app: FastAPI, ledger: dict[str, Any], parts: int, positions: list[int]
    ) -> None:
        ids = sorted(h.id for h in ledger["households"].values())

        async with app.state.services.database.read_sessionmaker() as session:
            found = await households.active_split(session, "500112", parts)

        assert found == [ids[p - 1] for p in positions]

    async def test_parts_cut_the_households_evenly_and_count_what_one_part_counts(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        ledger: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        whole = await simulated(app, http, ledger["draft"]["id"], reference_date=D.isoformat())
        assert [p[0] for p in await _parts(app, whole["id"])] == [0]
        _in_parts(app, monkeypatch, 2)

        split = await simulated(app, http, ledger["draft"]["id"], reference_date=D.isoformat())

        ids = sorted(h.id for h in ledger["households"].values())
        assert await _parts(app, split["id"]) == [
            (0, ids[1], ids[1], True),
            (1, ids[3], ids[3], True),
        ]
        assert (split["status"], split["progress"]) == ("succeeded", {"processed": 4, "total": 4})
        assert (split["transitions"], split["totals"], split["changed"]) == (
            whole["transitions"],
            whole["totals"],
            whole["changed"],
        )
        assert await all_changes(http, split["id"]) == await all_changes(http, whole["id"])

    async def test_the_first_job_queues_one_job_per_further_part_and_the_last_part_finishes(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        ledger: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        created, simulation_id = await _started_in_parts(app, http, ledger, monkeypatch, 3)
        services = app.state.services

        await runner.run_simulation(services, simulation_id, batch_size=1)

        queued = await fetch(
            app,
            select(Job.payload)
            .where(Job.kind == SIMULATION_PART.name)
            .order_by(Job.payload["part"].as_integer()),
        )
        assert [payload for (payload,) in queued] == [
            {"simulation_id": created["id"], "part": 1},
            {"simulation_id": created["id"], "part": 2},
        ]
        ids = sorted(h.id for h in ledger["households"].values())
        assert await _parts(app, created["id"]) == [
            (0, ids[1], ids[1], True),
            (1, ids[2], ids[1], False),
            (2, ids[3], ids[2], False),
        ]
        waiting = (await read(http, created["id"])).json()
        assert (waiting["status"], waiting["progress"]) == (
            "running",
            {"processed": 2, "total": 4},
        )

        await runner.run_simulation(services, simulation_id, part=2, batch_size=1)
        assert (await read(http, created["id"])).json()["status"] == "running"
        await run_jobs(app)

        done = (await read(http, created["id"])).json()
        assert (done["status"], done["progress"]) == ("succeeded", {"processed": 4, "total": 4})
        assert done["totals"] == [
            {"from": "cannot_assess", "to": "cannot_assess", "count": 1},
            {"from": "income_poverty", "to": "refer_to_dibao", "count": 1},
            {"from": "not_eligible", "to": "income_poverty", "count": 2},
        ]
        assert all(finished for *_, finished in await _parts(app, created["id"]))

    async def test_cancelling_stops_every_part(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        ledger: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        created, _ = await _started_in_parts(app, http, ledger, monkeypatch, 2)
        services = app.state.services
        first = await runner._start(services, uuid.UUID(created["id"]), 0, None)
        second = await runner._start(services, uuid.UUID(created["id"]), 1, None)
        assert first is not None
        assert second is not None
        assert await runner._batch(services, second, 1)

        cancelled = await http.post(
            f"{SIMULATIONS}/{created['id']}/cancel", headers=await bearer(http, "district_officer")
        )
        assert cancelled.status_code == 200, cancelled.text
        with pytest.raises(runner.Stopped):
            await runner._batch(services, first, 1)
        await run_jobs(app)

        after = (await read(http, created["id"])).json()
        assert (after["status"], after["progress"]) == ("cancelled", {"processed": 1, "total": 4})
        assert not any(finished for *_, finished in await _parts(app, created["id"]))

    async def test_a_part_failing_its_last_attempt_fails_the_simulation(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        ledger: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        created, simulation_id = await _started_in_parts(app, http, ledger, monkeypatch, 2)
        services = app.state.services
        await runner.run_simulation(services, simulation_id, batch_size=1)

        def broken(*args: Any) -> Any:
            raise RuntimeError("rules broke")

        monkeypatch.setattr(runner, "evaluate", broken)
        for _ in range(MAX_ATTEMPTS):
            with pytest.raises(RuntimeError):
                await runner.run_simulation(services, simulation_id, part=1, batch_size=1)

        failed = (await read(http, created["id"])).json()
        assert (failed["status"], failed["failure_code"]) == ("failed", "simulation_internal_error")
        assert failed["progress"] == {"processed": 2, "total": 4}
        assert failed["transitions"] is None

    async def test_a_part_whose_job_fails_its_last_claim_before_starting_fails_the_simulation(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        ledger: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        created, simulation_id = await _started_in_parts(app, http, ledger, monkeypatch, 2)
        services = app.state.services
        await runner.run_simulation(services, simulation_id, batch_size=1)
        async with services.database.sessionmaker() as session, session.begin():
            await session.execute(
                update(Job)
                .where(Job.kind == SIMULATION_PART.name)
                .values(attempts=SIMULATION_PART.max_attempts - 1)
            )

        async def unreachable(*args: Any) -> Any:
            raise RuntimeError("database gone")

        monkeypatch.setattr(runner, "in_force_over", unreachable)
        await run_jobs(app)

        failed = (await read(http, created["id"])).json()
        assert (failed["status"], failed["failure_code"]) == ("failed", "simulation_internal_error")
        assert failed["progress"] == {"processed": 2, "total": 4}
        [(status,)] = await fetch(app, select(Job.status).where(Job.kind == SIMULATION_PART.name))
        assert status == "dead"


class TestCancel:
    async def test_a_queued_simulation_cancelled_never_runs_and_cannot_be_cancelled_twice(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        created = await started(http, ledger["draft"]["id"])
        headers = await bearer(http, "district_officer")
        url = f"{SIMULATIONS}/{created['id']}/cancel"

        cancelled = await http.post(url, headers=headers)
        await run_jobs(app)

        assert cancelled.json()["status"] == "cancelled"
        after = (await read(http, created["id"])).json()
        assert (after["status"], after["progress"]["processed"]) == ("cancelled", 0)
        again = await http.post(url, headers=headers)
        assert again.status_code == 409
        assert again.json()["code"] == "simulation_finished"

    async def test_a_running_simulation_stops_at_its_next_batch(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        created = await started(http, ledger["draft"]["id"], reference_date=D.isoformat())
        services = app.state.services
        run = await runner._start(services, uuid.UUID(created["id"]), 0, None)
        assert run is not None
        assert await runner._batch(services, run, 1)

        cancelled = await http.post(
            f"{SIMULATIONS}/{created['id']}/cancel", headers=await bearer(http, "district_officer")
        )
        assert cancelled.status_code == 200, cancelled.text
        await runner.run_simulation(services, uuid.UUID(created["id"]), batch_size=1)

        after = (await read(http, created["id"])).json()
        assert (after["status"], after["progress"]) == ("cancelled", {"processed": 1, "total": 4})
        assert after["transitions"] is None

    async def test_a_finished_simulation_cannot_be_cancelled(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        done = await simulated(app, http, ledger["draft"]["id"])

        response = await http.post(
            f"{SIMULATIONS}/{done['id']}/cancel", headers=await bearer(http, "district_officer")
        )

        assert response.status_code == 409
        assert response.json()["code"] == "simulation_finished"


class TestChangesExport:
    async def test_the_csv_lists_the_changed_households_with_safe_cells(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        done = await simulated(app, http, ledger["draft"]["id"], reference_date=D.isoformat())

        response = await read(http, done["id"], "/changes.csv")

        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == [
            "户ID",
            "区划代码",
            "台账编号",
            "户主姓名",
            "当前结果",
            "模拟结果",
            "优先评分",
        ]
        listed = await all_changes(http, done["id"])
        assert [r[0] for r in rows[1:]] == [c["household_id"] for c in listed]
        assert {r[3] for r in rows[1:]} == {"张秀英"}

    async def test_names_are_masked_for_a_role_that_may_not_see_them(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        done = await simulated(app, http, ledger["draft"]["id"], reference_date=D.isoformat())
        [simulation] = [
            s
            for (s,) in await fetch(
                app, select(Simulation).where(Simulation.id == uuid.UUID(done["id"]))
            )
        ]

        rows = [
            row
            async for row in export_rows(
                app.state.services.database, simulation, Viewer(Role.admin)
            )
        ]

        assert len(rows) == 4
        assert {row[3] for row in rows[1:]} == {"张**"}


class TestScopeAndRoles:
    async def test_another_district_does_not_see_the_simulation(
        self, app: FastAPI, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        created = await started(http, ledger["draft"]["id"])
        headers = await bearer(http, OTHER_OFFICER)

        for path in ("", "/changes", "/changes.csv"):
            response = await read(http, created["id"], path, OTHER_OFFICER)
            assert response.status_code == 404, (path, response.text)
        cancel = await http.post(f"{SIMULATIONS}/{created['id']}/cancel", headers=headers)
        assert cancel.status_code == 404
        listed = await http.get(SIMULATIONS, headers=headers)
        assert listed.json()["items"] == []
        mine = await http.get(SIMULATIONS, headers=await bearer(http, "district_officer"))
        assert [s["id"] for s in mine.json()["items"]] == [created["id"]]

    async def test_the_list_is_newest_first(
        self, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        first = await started(http, ledger["draft"]["id"])
        second = await started(http, ledger["draft"]["id"])

        listed = await http.get(
            SIMULATIONS, params={"limit": "1"}, headers=await bearer(http, "district_officer")
        )
        following = await http.get(
            SIMULATIONS,
            params={"limit": "1", "cursor": listed.json()["next_cursor"]},
            headers=await bearer(http, "district_officer"),
        )

        assert [s["id"] for s in listed.json()["items"]] == [second["id"]]
        assert [s["id"] for s in following.json()["items"]] == [first["id"]]

    @pytest.mark.parametrize("username", ["street_officer", "community_worker", "admin", "auditor"])
    async def test_other_roles_are_refused(
        self, http: httpx.AsyncClient, ledger: dict[str, Any], username: str
    ) -> None:
        created = await started(http, ledger["draft"]["id"])

        assert (await start(http, ledger["draft"]["id"], username)).status_code == 403
        assert (await read(http, created["id"], "", username)).status_code == 403


class TestBadInput:
    async def test_unknown_unreadable_or_retired_versions_and_regions_out_of_scope(
        self, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        draft = ledger["draft"]["id"]
        street_version = await create_policy(http, region_code="500112001", name="街道政策")
        retired = await step(http, ledger["current"], "retire")
        assert retired.status_code == 200, retired.text
        cases: list[tuple[str, str, dict[str, Any], str, list[str]]] = [
            (str(uuid.UUID(int=9)), "district_officer", {}, "not_found", ["policy_version_id"]),
            (draft, OTHER_OFFICER, {}, "not_found", ["policy_version_id"]),
            (
                ledger["current"]["id"],
                "district_officer",
                {},
                "policy_retired",
                ["policy_version_id"],
            ),
            (
                street_version["id"],
                "district_officer",
                {"region": "500112002"},
                "region_out_of_scope",
                ["region"],
            ),
            (draft, "district_officer", {"region": "500113"}, "region_out_of_scope", ["region"]),
            (draft, "district_officer", {"region": "500112999"}, "not_found", ["region"]),
            (draft, "district_officer", {"region": "5001"}, "pattern", ["region"]),
            (draft, "district_officer", {"reference_date": "2026-02-30"}, "", ["reference_date"]),
            (draft, "district_officer", {"extra": 1}, "", ["extra"]),
        ]
        for policy_id, username, fields, code, loc in cases:
            response = await start(http, policy_id, username, **fields)
            assert response.status_code == 422, (fields, response.text)
            [error] = response.json()["errors"]
            assert error["loc"] == ["body", *loc], (fields, error)
            if code:
                assert error["code"] == code, (fields, error)
        missing = await http.post(
            SIMULATIONS, json={}, headers=await bearer(http, "district_officer")
        )
        assert missing.status_code == 422
