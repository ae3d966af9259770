"""The deadline worklist, the worker's upkeep of deadlines and their recount when the
calendar changes (DOMAIN 6; Yubei 3(5); Beijing 2)."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.events import DomainEvent
from app.intake.deadlines.router import DeadlinePage
from app.intake.deadlines.rules import Kind
from app.intake.deadlines.schemas import DeadlineOut
from app.intake.deadlines.service import meet
from app.intake.models import Deadline, InboxItem
from app.workdays.public import calendar_between
from tests.api.households.ledger_http import bearer, fetch, user_id
from tests.api.intake.deadline_seeds import (
    deadline,
    ids,
    run_worker,
    seed_deadline,
    today,
    trigger_due_on,
)
from tests.factories import (
    GRID_A1_1,
    STREET_B,
    create_demo_district,
    create_household,
    set_calendar_day,
)
from tests.problems import assert_invalid, assert_problem

WORKLIST = "/api/v1/worklists/deadlines"
GRID_B = "500112002001001"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    """The demo district; today is a working day (an override when the tests run on a day
    off), so a deadline can fall due today."""
    await create_demo_district(session)
    async with session.begin():
        found = await calendar_between(session, today(), today())
    if not found.is_working_day(today()):
        await set_calendar_day(session, today().isoformat(), is_working_day=True, name="测试")


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


async def _due(app: FastAPI, kind: Kind, due_on: date, region: str = GRID_A1_1) -> Deadline:
    return await seed_deadline(
        app, kind, await trigger_due_on(app, kind, due_on), region_code=region
    )


async def _worklist(
    http: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await http.get(WORKLIST, params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _working_day_after(app: FastAPI, day: date, n: int = 1) -> date:
    async with app.state.services.database.sessionmaker() as session:
        calendar = await calendar_between(session, day, day + timedelta(days=60))
    return calendar.add_working_days(day, n).day


class TestWorklist:
    async def test_due_today_and_overdue_by_default_oldest_due_first(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
    ) -> None:
        overdue = await seed_deadline(
            app, Kind.ledger_after_screening, today() - timedelta(days=30), region_code=GRID_A1_1
        )
        due_today = await _due(app, Kind.visit_after_hardship, today())
        later = await _due(app, Kind.ledger_after_screening, await _working_day_after(app, today()))

        body = await _worklist(anonymous, officer)

        assert ids(body["items"]) == [str(overdue.id), str(due_today.id)]
        assert body["next_cursor"] is None
        first, second = body["items"]
        async with app.state.services.database.sessionmaker() as session:
            calendar = await calendar_between(session, overdue.due_on, today())
        assert first == {
            "id": str(overdue.id),
            "kind": "ledger_after_screening",
            "status": "missed",
            "triggered_on": (today() - timedelta(days=30)).isoformat(),
            "working_days": 3,
            "due_on": overdue.due_on.isoformat(),
            "provisional": False,
            "done_on": None,
            "household_id": None,
            "application_id": None,
            "discovery_report_id": None,
            "region_code": GRID_A1_1,
            "days_overdue": calendar.working_days_between(overdue.due_on, today()).count,
        }
        assert first["days_overdue"] > 0
        assert second["status"] == "open"
        assert second["due_on"] == today().isoformat()
        assert second["days_overdue"] == 0
        opened = await _worklist(anonymous, officer, when="open")
        assert ids(opened["items"]) == [str(due_today.id), str(later.id)]

    async def test_each_item_counts_its_own_working_days_overdue(
        self,
        app: FastAPI,
        session: AsyncSession,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
    ) -> None:
        """One page, one calendar read: every item still counts the working days after its
        own due day, a day off between them (an override) left out."""
        async with session.begin():
            window = await calendar_between(session, today() - timedelta(days=40), today())
        day_off = next(
            day
            for day in (today() - timedelta(days=n) for n in range(26, 12, -1))
            if window.is_working_day(day)
        )
        await set_calendar_day(session, day_off.isoformat(), is_working_day=False, name="调休")
        seeded = [
            await seed_deadline(
                app, Kind.visit_after_hardship, today() - timedelta(days=d), region_code=GRID_A1_1
            )
            for d in (35, 28, 21, 9)
        ]

        body = await _worklist(anonymous, officer, when="overdue")

        async with app.state.services.database.sessionmaker() as fresh:
            calendar = await calendar_between(fresh, today() - timedelta(days=40), today())
        expected = {
            str(d.id): calendar.working_days_between(d.due_on, today()).count for d in seeded
        }
        assert {item["id"]: item["days_overdue"] for item in body["items"]} == expected
        assert not calendar.is_working_day(day_off)
        counts = [item["days_overdue"] for item in body["items"]]
        assert counts == sorted(counts, reverse=True)
        assert len(set(counts)) == len(counts)

    async def test_the_worklist_answers_as_its_response_model_serializes(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
    ) -> None:
        """The page is serialized once, by its response model, without validating it again:
        the body is still exactly what the model makes of itself, field for field."""
        await seed_deadline(
            app, Kind.ledger_after_screening, today() - timedelta(days=30), region_code=GRID_A1_1
        )
        await _due(app, Kind.visit_after_hardship, today())
        response = await anonymous.get(WORKLIST, params={"limit": 1}, headers=officer)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert body["next_cursor"] is not None
        assert DeadlinePage.model_validate(body).model_dump(mode="json") == body
        assert [set(item) for item in body["items"]] == [set(DeadlineOut.model_fields)]

    async def test_when_and_kind_filter(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
    ) -> None:
        overdue = await seed_deadline(
            app, Kind.visit_after_hardship, today() - timedelta(days=20), region_code=GRID_A1_1
        )
        due_today = await _due(app, Kind.ledger_after_hardship, today())
        due_overdue = (await _worklist(anonymous, officer, when="overdue"))["items"]
        assert ids(due_overdue) == [str(overdue.id)]
        assert ids((await _worklist(anonymous, officer, when="due_today"))["items"]) == [
            str(due_today.id)
        ]
        by_kind = await _worklist(anonymous, officer, kind="ledger_after_hardship")
        assert ids(by_kind["items"]) == [str(due_today.id)]
        assert_invalid(
            await anonymous.get(WORKLIST, params={"when": "someday"}, headers=officer),
            ["query", "when"],
        )
        assert_invalid(
            await anonymous.get(WORKLIST, params={"kind": "nope"}, headers=officer),
            ["query", "kind"],
        )

    async def test_done_deadlines_leave_the_worklist(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
    ) -> None:
        kept = await _due(app, Kind.visit_after_hardship, today())
        home = await create_household(app)
        late = await seed_deadline(
            app,
            Kind.ledger_after_screening,
            today() - timedelta(days=30),
            region_code=GRID_A1_1,
            household_id=home.id,
        )
        async with app.state.services.database.sessionmaker() as session, session.begin():
            done = await meet(session, [Kind.ledger_after_screening], today(), household_id=home.id)
        assert [(d.id, d.status) for d in done] == [(late.id, "missed")]
        assert ids((await _worklist(anonymous, officer))["items"]) == [str(kept.id)]
        one = await anonymous.get(f"/api/v1/deadlines/{late.id}", headers=officer)
        assert one.status_code == 200, one.text
        assert (one.json()["status"], one.json()["done_on"], one.json()["days_overdue"]) == (
            "missed",
            today().isoformat(),
            0,
        )
        assert one.json()["household_id"] == str(home.id)

    async def test_one_deadline_is_read_within_reach(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
    ) -> None:
        overdue = await seed_deadline(
            app, Kind.visit_after_hardship, today() - timedelta(days=20), region_code=GRID_A1_1
        )
        listed = (await _worklist(anonymous, officer))["items"]
        one = await anonymous.get(f"/api/v1/deadlines/{overdue.id}", headers=officer)
        assert one.status_code == 200, one.text
        assert one.json() == listed[0]
        other = await bearer(anonymous, "street_officer_2")
        assert_problem(
            await anonymous.get(f"/api/v1/deadlines/{overdue.id}", headers=other), 404, "not_found"
        )
        grid = await bearer(anonymous, "grid_worker")
        assert_problem(
            await anonymous.get(f"/api/v1/deadlines/{overdue.id}", headers=grid), 403, "forbidden"
        )

    async def test_the_worklist_is_the_callers_region(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
    ) -> None:
        in_grid = await _due(app, Kind.visit_after_hardship, today())
        in_other_grid = await _due(app, Kind.visit_after_hardship, today(), "500112001001002")
        in_other_community = await _due(app, Kind.visit_after_hardship, today(), "500112001002")
        in_b = await _due(app, Kind.visit_after_hardship, today(), GRID_B)
        a_side = {str(in_grid.id), str(in_other_grid.id), str(in_other_community.id)}

        assert set(ids((await _worklist(anonymous, officer))["items"])) == a_side
        other = await bearer(anonymous, "street_officer_2")
        assert ids((await _worklist(anonymous, other))["items"]) == [str(in_b.id)]
        community = await bearer(anonymous, "community_worker")
        assert set(ids((await _worklist(anonymous, community))["items"])) == {
            str(in_grid.id),
            str(in_other_grid.id),
        }
        district = await bearer(anonymous, "district_officer")
        assert len((await _worklist(anonymous, district))["items"]) == 4
        narrowed = await _worklist(anonymous, district, region=STREET_B)
        assert ids(narrowed["items"]) == [str(in_b.id)]
        grid = await _worklist(anonymous, officer, region=GRID_A1_1)
        assert ids(grid["items"]) == [str(in_grid.id)]
        assert (await _worklist(anonymous, officer, region=STREET_B))["items"] == []
        assert (await _worklist(anonymous, community, region="500112001"))["items"] != []
        assert_invalid(
            await anonymous.get(WORKLIST, params={"region": "12x"}, headers=officer),
            ["query", "region"],
        )

    @pytest.mark.parametrize(
        "username", ["social_worker", "grid_worker", "admin", "department_officer"]
    )
    async def test_roles_without_the_worklist_are_refused(
        self, anonymous: httpx.AsyncClient, username: str
    ) -> None:
        headers = await bearer(anonymous, username)
        assert_problem(await anonymous.get(WORKLIST, headers=headers), 403, "forbidden")

    async def test_an_auditor_without_a_grant_sees_nothing(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        await _due(app, Kind.visit_after_hardship, today())
        auditor = await bearer(anonymous, "auditor")
        assert (await _worklist(anonymous, auditor))["items"] == []

    async def test_pages_by_cursor(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
    ) -> None:
        seeded = [
            await seed_deadline(
                app, Kind.visit_after_hardship, today() - timedelta(days=d), region_code=GRID_A1_1
            )
            for d in (40, 30, 20, 30)
        ]
        expected = [str(d.id) for d in sorted(seeded, key=lambda d: (d.due_on, d.id))]
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            body = await _worklist(anonymous, officer, **params)
            seen += ids(body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == expected
        first = await _worklist(anonymous, officer, limit=3)
        assert_invalid(
            await anonymous.get(
                WORKLIST,
                params={"limit": 3, "cursor": first["next_cursor"], "when": "open"},
                headers=officer,
            ),
            ["query", "cursor"],
            "invalid_cursor",
        )

    async def test_the_query_uses_the_undone_region_due_index(self, app: FastAPI) -> None:
        async with app.state.services.database.sessionmaker() as session:
            dialect = session.get_bind().dialect.name
            query = (
                "SELECT id FROM deadlines WHERE done_on IS NULL AND region_code >= '500112001' "
                "AND region_code < '500112002' AND due_on <= :today ORDER BY due_on, id LIMIT 51"
            )
            if dialect == "postgresql":
                await session.execute(text("SET LOCAL enable_seqscan = off"))
                plan = (await session.execute(text("EXPLAIN " + query), {"today": today()})).all()
            else:
                plan = (
                    await session.execute(
                        text("EXPLAIN QUERY PLAN " + query), {"today": today().isoformat()}
                    )
                ).all()
        assert "ix_deadlines_undone_region_due" in " ".join(str(row) for row in plan)


class TestUpkeep:
    async def test_past_due_deadlines_are_missed_once_and_their_user_told(
        self, app: FastAPI
    ) -> None:
        officer_id = await user_id(app, "street_officer")
        past = await seed_deadline(
            app,
            Kind.visit_after_hardship,
            today() - timedelta(days=20),
            region_code=GRID_A1_1,
            responsible_user_id=officer_id,
        )
        unowned = await seed_deadline(
            app, Kind.ledger_after_hardship, today() - timedelta(days=20), region_code=GRID_A1_1
        )
        on_time = await _due(app, Kind.ledger_after_screening, today())

        await run_worker(app)

        assert (await deadline(app, past.id)).status == "missed"
        assert (await deadline(app, past.id)).missed_at is not None
        assert (await deadline(app, unowned.id)).status == "missed"
        assert (await deadline(app, on_time.id)).status == "open"
        items = await fetch(app, select(InboxItem.user_id, InboxItem.event, InboxItem.subject_id))
        assert [(i.user_id, i.subject_id) for i in items if i.event == "deadline.missed"] == [
            (officer_id, past.id)
        ]
        missed = await _events(app, "deadline.missed")
        assert sorted(p["deadline_id"] for p in missed) == sorted([str(past.id), str(unowned.id)])
        assert missed[0]["status"] == "missed"
        assert set(missed[0]) == {
            "deadline_id",
            "kind",
            "status",
            "due_on",
            "region_code",
            "household_id",
        }

        await run_worker(app)
        assert len(await _events(app, "deadline.missed")) == 2
        assert len(await fetch(app, select(InboxItem.id))) == len(items)

    async def test_deadlines_due_today_or_next_working_day_are_reminded_once(
        self, app: FastAPI
    ) -> None:
        worker_id = await user_id(app, "community_worker")
        next_day = await _working_day_after(app, today())
        after = await _working_day_after(app, today(), 2)
        today_one = await seed_deadline(
            app,
            Kind.visit_after_hardship,
            await trigger_due_on(app, Kind.visit_after_hardship, today()),
            region_code=GRID_A1_1,
            responsible_user_id=worker_id,
        )
        tomorrow_one = await _due(app, Kind.ledger_after_hardship, next_day)
        far = await _due(app, Kind.ledger_after_screening, after)

        await run_worker(app)

        assert (await deadline(app, today_one.id)).reminded_at is not None
        assert (await deadline(app, tomorrow_one.id)).reminded_at is not None
        assert (await deadline(app, far.id)).reminded_at is None
        reminded = await _events(app, "deadline.approaching")
        assert sorted(p["deadline_id"] for p in reminded) == sorted(
            [str(today_one.id), str(tomorrow_one.id)]
        )
        items = await fetch(app, select(InboxItem.user_id, InboxItem.event))
        assert [(i.user_id, i.event) for i in items] == [(worker_id, "deadline.approaching")]

        await run_worker(app)
        assert len(await _events(app, "deadline.approaching")) == 2
        assert len(await fetch(app, select(InboxItem.id))) == 1


async def _events(app: FastAPI, name: str) -> list[dict[str, Any]]:
    rows = await fetch(
        app,
        select(DomainEvent.payload)
        .where(DomainEvent.name == name)
        .order_by(DomainEvent.occurred_at, DomainEvent.id),
    )
    return [row[0] for row in rows]


class TestCalendarChange:
    async def test_a_day_made_a_holiday_moves_future_due_days_not_past_ones(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        due_on = await _working_day_after(app, today(), 3)
        upcoming = await _due(app, Kind.visit_after_hardship, due_on)
        past = await seed_deadline(
            app, Kind.ledger_after_screening, today() - timedelta(days=30), region_code=GRID_A1_1
        )
        past_due = past.due_on
        admin = await bearer(anonymous, "admin")

        response = await anonymous.put(
            f"/api/v1/calendar/days/{due_on.isoformat()}",
            json={"is_working_day": False, "name": "临时休息"},
            headers=admin,
        )
        assert response.status_code == 200, response.text
        await run_worker(app)

        moved = await deadline(app, upcoming.id)
        assert moved.due_on == await _working_day_after(app, upcoming.triggered_on)
        assert moved.due_on > due_on
        assert (await deadline(app, past.id)).due_on == past_due
        rescheduled = await _events(app, "deadline.rescheduled")
        assert [p["deadline_id"] for p in rescheduled] == [str(upcoming.id)]
        assert rescheduled[0]["due_on"] == moved.due_on.isoformat()

        await run_worker(app)
        assert len(await _events(app, "deadline.rescheduled")) == 1

    async def test_a_weekend_made_a_working_day_brings_the_due_day_forward(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        day = today() + timedelta(days=7)
        while day.weekday() != 4:
            day += timedelta(days=1)
        async with app.state.services.database.sessionmaker() as session:
            calendar = await calendar_between(session, day, day + timedelta(days=30))
        while not calendar.is_working_day(day) or calendar.is_working_day(day + timedelta(days=1)):
            day += timedelta(days=7)
        friday_deadline = await seed_deadline(
            app, Kind.visit_after_hardship, day, region_code=GRID_A1_1
        )
        saturday = day + timedelta(days=1)
        assert friday_deadline.due_on > saturday
        admin = await bearer(anonymous, "admin")

        response = await anonymous.put(
            f"/api/v1/calendar/days/{saturday.isoformat()}",
            json={"is_working_day": True, "name": "补班"},
            headers=admin,
        )
        assert response.status_code == 200, response.text
        await run_worker(app)

        assert (await deadline(app, friday_deadline.id)).due_on == saturday

    async def test_loading_a_year_makes_provisional_due_days_firm(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        year = today().year + 2
        trigger = date(year, 1, 4)
        provisional = await seed_deadline(
            app, Kind.ledger_after_screening, trigger, region_code=GRID_A1_1
        )
        assert provisional.provisional
        holiday = await _working_day_after(app, trigger)
        admin = await bearer(anonymous, "admin")

        response = await anonymous.put(
            f"/api/v1/calendar/years/{year}",
            json={
                "year": year,
                "source": "国办发明电（测试）",
                "holidays": [{"date": holiday.isoformat(), "name": "测试假日"}],
                "working_days": [],
            },
            headers=admin,
        )
        assert response.status_code == 200, response.text
        await run_worker(app)

        found = await deadline(app, provisional.id)
        assert not found.provisional
        assert found.due_on == await _working_day_after(app, trigger, 3)
        assert found.due_on > provisional.due_on
