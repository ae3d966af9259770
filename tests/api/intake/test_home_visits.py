"""Home visits (入户访谈, DOMAIN 6): scheduled and assigned, recorded by the visitor with
needs, assessment and plan; only a social-work agency's visit meets the home-visit
deadlines (Yubei 3(5))."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.households.models import Household, HouseholdNeed, HouseholdPlan
from app.intake.deadlines.rules import Kind
from app.intake.deadlines.service import open_deadline
from app.intake.models import Application, InboxItem
from tests.api.households.ledger_http import (
    AGENCY,
    PDF,
    bearer,
    exit_household,
    fetch,
    open_to_social_worker,
    organization_id,
    user_id,
)
from tests.api.intake.deadline_seeds import deadline, seed_deadline, today
from tests.factories import (
    GRID_A1_1,
    GRID_B1_1,
    assign_household,
    create_demo_district,
    create_household,
)
from tests.problems import assert_invalid, assert_problem

VISITS = "/api/v1/home-visits"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def home(app: FastAPI) -> Any:
    """A household of street A assigned to the agency's social worker."""
    household = await create_household(app)
    await assign_household(app, household.id)
    return household


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


@pytest.fixture
async def social(app: FastAPI, anonymous: httpx.AsyncClient) -> dict[str, str]:
    """The social worker, with the street's agreement acknowledged (Beijing 7)."""
    return await open_to_social_worker(app, anonymous)


async def _schedule(
    app: FastAPI,
    http: httpx.AsyncClient,
    headers: dict[str, str],
    household_id: Any,
    visitor: str = "social_worker",
    **fields: Any,
) -> httpx.Response:
    body = {
        "household_id": str(household_id),
        "visitor_id": str(await user_id(app, visitor)),
        "scheduled_on": today().isoformat(),
        **fields,
    }
    return await http.post(VISITS, json=body, headers=headers)


async def _scheduled(
    app: FastAPI,
    http: httpx.AsyncClient,
    headers: dict[str, str],
    household_id: Any,
    visitor: str = "social_worker",
) -> dict[str, Any]:
    response = await _schedule(app, http, headers, household_id, visitor)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def visit(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: Any
) -> dict[str, Any]:
    """A visit of `home`, scheduled by the street officer for its social worker."""
    return await _scheduled(app, anonymous, officer, home.id)


def _record_body(**fields: Any) -> dict[str, Any]:
    return {
        "visited_on": today().isoformat(),
        "living_situation": "独居，行动不便，家中无取暖设备。",
        "assessment": "急需医疗救助和日间照料。",
        **fields,
    }


async def _record(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    visit: dict[str, Any],
    version: int | None = None,
    **fields: Any,
) -> httpx.Response:
    match = {"If-Match": f'W/"{visit["version"] if version is None else version}"'}
    return await http.post(
        f"{VISITS}/{visit['id']}/record", json=_record_body(**fields), headers=headers | match
    )


async def _cancel(
    http: httpx.AsyncClient, headers: dict[str, str], visit: dict[str, Any]
) -> httpx.Response:
    return await http.post(
        f"{VISITS}/{visit['id']}/cancel",
        json={"reason": "户主住院，改期另行安排。"},
        headers=headers | {"If-Match": f'W/"{visit["version"]}"'},
    )


class TestSchedule:
    async def test_a_street_officer_assigns_the_households_social_worker(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: Any
    ) -> None:
        response = await _schedule(app, anonymous, officer, home.id)

        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["Location"] == f"{VISITS}/{body['id']}"
        assert response.headers["ETag"] == 'W/"1"'
        worker = await user_id(app, "social_worker")
        assert body | {"id": None} == {
            "id": None,
            "version": 1,
            "status": "scheduled",
            "household_id": str(home.id),
            "region_code": GRID_A1_1,
            "application_id": None,
            "scheduled_on": today().isoformat(),
            "scheduled_by": str(await user_id(app, "street_officer")),
            "visitor_id": str(worker),
            "visitor_organization_id": str(await organization_id(app, AGENCY)),
            "by_social_work_agency": True,
            "visited_on": None,
            "living_situation": None,
            "note": None,
            "needs_found": [],
            "assessment": None,
            "plan_revision": None,
            "document_ids": [],
            "recorded_by": None,
            "recorded_at": None,
            "cancel_reason": None,
            "deadlines_met": [],
            "allowed_actions": ["record", "cancel"],
        }
        items = await fetch(app, select(InboxItem.user_id, InboxItem.event, InboxItem.subject_id))
        assert [tuple(i) for i in items] == [(worker, "home_visit.assigned", uuid.UUID(body["id"]))]

    async def test_a_community_worker_may_visit_a_household_of_its_community(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        headers = await bearer(anonymous, "community_worker")
        body = await _scheduled(app, anonymous, headers, home.id, "community_worker")
        assert body["visitor_organization_id"] is None
        assert body["by_social_work_agency"] is False

    @pytest.mark.parametrize(
        "visitor", ["social_worker_2", "community_worker_2", "grid_worker", "street_officer"]
    )
    async def test_only_the_assigned_social_worker_or_a_community_worker_there_visits(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        home: Any,
        visitor: str,
    ) -> None:
        response = await _schedule(app, anonymous, officer, home.id, visitor)
        assert_invalid(response, ["body", "visitor_id"], "not_a_visitor")
        unknown = await anonymous.post(
            VISITS,
            json={
                "household_id": str(home.id),
                "visitor_id": str(uuid.uuid4()),
                "scheduled_on": today().isoformat(),
            },
            headers=officer,
        )
        assert_invalid(unknown, ["body", "visitor_id"], "not_a_visitor")

    async def test_an_unassigned_household_has_no_social_worker_to_send(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
    ) -> None:
        household = await create_household(app)
        response = await _schedule(app, anonymous, officer, household.id)
        assert_invalid(response, ["body", "visitor_id"], "not_a_visitor")

    async def test_a_household_out_of_reach_is_not_found(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        other = await bearer(anonymous, "street_officer_2")
        response = await _schedule(app, anonymous, other, home.id)
        assert_problem(response, 404, "not_found")

    async def test_an_exited_household_is_not_visited(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: Any
    ) -> None:
        exited = await exit_household(anonymous, home.id)
        assert exited.status_code == 200, exited.text
        response = await _schedule(app, anonymous, officer, home.id)
        assert_invalid(response, ["body", "household_id"], "household_closed")

    async def test_dates_and_applications_are_checked(
        self, app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], home: Any
    ) -> None:
        early = today() - timedelta(days=31)
        response = await _schedule(app, anonymous, officer, home.id, scheduled_on=str(early))
        assert_invalid(response, ["body", "scheduled_on"], "too_early")
        recent = today() - timedelta(days=30)
        assert (
            await _schedule(app, anonymous, officer, home.id, scheduled_on=str(recent))
        ).status_code == 201
        response = await _schedule(
            app, anonymous, officer, home.id, application_id=str(uuid.uuid4())
        )
        assert_invalid(response, ["body", "application_id"], "not_found")

    @pytest.mark.parametrize("username", ["social_worker", "grid_worker", "district_officer"])
    async def test_roles_that_do_not_schedule_are_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any, username: str
    ) -> None:
        headers = await bearer(anonymous, username)
        assert_problem(await _schedule(app, anonymous, headers, home.id), 403, "forbidden")


class TestRecord:
    async def test_an_agency_visit_meets_the_visit_deadlines_notes_needs_and_plans(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        social: dict[str, str],
        home: Any,
    ) -> None:
        visit_deadline = await seed_deadline(
            app, Kind.visit_after_hardship, today(), region_code=GRID_A1_1, household_id=home.id
        )
        ledger_deadline = await seed_deadline(
            app, Kind.ledger_after_hardship, today(), region_code=GRID_A1_1, household_id=home.id
        )
        visit = await _scheduled(app, anonymous, officer, home.id)
        document = await anonymous.post(
            f"/api/v1/households/{home.id}/documents",
            files={"file": ("入户照片.pdf", PDF, "application/pdf")},
            data={"kind": "authorisation"},
            headers=officer,
        )
        assert document.status_code == 201, document.text

        response = await _record(
            anonymous,
            social,
            visit,
            needs_found=["medical", "care"],
            plan={"goals": "一个月内落实医疗救助和日间照料。"},
            document_ids=[document.json()["id"]],
            note="邻居协助照看。",
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert response.headers["ETag"] == 'W/"2"'
        assert response.headers["X-Household-ETag"]
        assert body["status"] == "completed"
        assert body["version"] == 2
        assert body["visited_on"] == today().isoformat()
        assert body["needs_found"] == ["care", "medical"]
        assert body["plan_revision"] == 1
        assert body["document_ids"] == [document.json()["id"]]
        assert body["recorded_by"] == str(await user_id(app, "social_worker"))
        assert body["deadlines_met"] == ["visit_after_hardship"]
        assert body["allowed_actions"] == []
        met = await deadline(app, visit_deadline.id)
        assert (met.status, met.done_on, met.done_by_visit_id) == (
            "met",
            today(),
            uuid.UUID(body["id"]),
        )
        assert (await deadline(app, ledger_deadline.id)).status == "open"
        needs = await fetch(
            app,
            select(HouseholdNeed.code, HouseholdNeed.source, HouseholdNeed.source_id)
            .where(HouseholdNeed.household_id == home.id)
            .order_by(HouseholdNeed.code),
        )
        assert [tuple(n) for n in needs] == [
            ("care", "home_visit", uuid.UUID(body["id"])),
            ("medical", "home_visit", uuid.UUID(body["id"])),
        ]
        plans = await fetch(
            app, select(HouseholdPlan.revision).where(HouseholdPlan.household_id == home.id)
        )
        assert [p[0] for p in plans] == [1]
        events = await fetch(app, select(InboxItem.user_id, InboxItem.event))
        assert (await user_id(app, "street_officer"), "home_visit.recorded") in [
            tuple(e) for e in events
        ]

    async def test_a_community_workers_visit_is_recorded_but_meets_no_deadline(
        self, app: FastAPI, anonymous: httpx.AsyncClient, home: Any
    ) -> None:
        pending = await seed_deadline(
            app, Kind.visit_after_hardship, today(), region_code=GRID_A1_1, household_id=home.id
        )
        headers = await bearer(anonymous, "community_worker")
        visit = await _scheduled(app, anonymous, headers, home.id, "community_worker")

        response = await _record(anonymous, headers, visit)

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "completed"
        assert body["by_social_work_agency"] is False
        assert body["deadlines_met"] == []
        assert (await deadline(app, pending.id)).status == "open"
        version = await fetch(app, select(Household.version).where(Household.id == home.id))
        assert response.headers["X-Household-ETag"] == f'W/"{version[0][0]}"'

    async def test_only_the_visitor_records_it(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        visit: dict[str, Any],
    ) -> None:
        community = await bearer(anonymous, "community_worker")
        assert_problem(await _record(anonymous, community, visit), 403, "forbidden")
        await open_to_social_worker(app, anonymous, worker="social_worker_2")
        other = await bearer(anonymous, "social_worker_2")
        assert_problem(await _record(anonymous, other, visit), 404, "not_found")
        assert_problem(await _record(anonymous, officer, visit), 403, "forbidden")

    async def test_the_record_is_checked(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        social: dict[str, str],
        visit: dict[str, Any],
    ) -> None:
        tomorrow = str(today() + timedelta(days=1))
        assert_invalid(
            await _record(anonymous, social, visit, visited_on=tomorrow),
            ["body", "visited_on"],
            "date_in_future",
        )
        yesterday = str(today() - timedelta(days=1))
        assert_invalid(
            await _record(anonymous, social, visit, visited_on=yesterday),
            ["body", "visited_on"],
            "too_early",
        )
        assert_invalid(
            await _record(anonymous, social, visit, needs_found=["medical", "no_such_need"]),
            ["body", "needs_found", 1],
            "unknown_code",
        )
        other = await create_household(app)
        elsewhere = await anonymous.post(
            f"/api/v1/households/{other.id}/documents",
            files={"file": ("别家.pdf", PDF, "application/pdf")},
            data={"kind": "authorisation"},
            headers=officer,
        )
        assert elsewhere.status_code == 201, elsewhere.text
        assert_invalid(
            await _record(anonymous, social, visit, document_ids=[elsewhere.json()["id"]]),
            ["body", "document_ids", 0],
            "not_on_file",
        )
        assert_invalid(
            await _record(anonymous, social, visit, living_situation=""),
            ["body", "living_situation"],
            "too_short",
        )
        assert_problem(await _record(anonymous, social, visit, version=7), 412, "version_mismatch")
        no_match = await anonymous.post(
            f"{VISITS}/{visit['id']}/record", json=_record_body(), headers=social
        )
        assert_problem(no_match, 428, "if_match_required")

    async def test_a_recorded_visit_is_final(
        self,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        social: dict[str, str],
        visit: dict[str, Any],
    ) -> None:
        recorded = await _record(anonymous, social, visit)
        assert recorded.status_code == 200, recorded.text
        again = assert_problem(
            await _record(anonymous, social, recorded.json()), 409, "invalid_transition"
        )
        assert again["allowed"] == []
        cancelled = assert_problem(
            await _cancel(anonymous, officer, recorded.json()), 409, "invalid_transition"
        )
        assert cancelled["allowed"] == []


class TestCancel:
    async def test_a_scheduled_visit_is_cancelled_with_its_reason(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        social: dict[str, str],
        visit: dict[str, Any],
    ) -> None:
        response = await _cancel(anonymous, officer, visit)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["version"], body["allowed_actions"]) == ("cancelled", 2, [])
        assert body["cancel_reason"] == "户主住院，改期另行安排。"
        assert response.headers["ETag"] == 'W/"2"'
        refused = assert_problem(await _record(anonymous, social, body), 409, "invalid_transition")
        assert refused["allowed"] == []
        events = await fetch(app, select(InboxItem.user_id, InboxItem.event))
        social_id, officer_id = (
            await user_id(app, "social_worker"),
            await user_id(app, "street_officer"),
        )
        assert sorted((str(u), e) for u, e in events) == sorted(
            [
                (str(social_id), "home_visit.assigned"),
                (str(social_id), "home_visit.cancelled"),
                (str(officer_id), "home_visit.cancelled"),
            ]
        )

    async def test_cancel_needs_if_match_and_reach(
        self,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        visit: dict[str, Any],
    ) -> None:
        other = await bearer(anonymous, "street_officer_2")
        assert_problem(await _cancel(anonymous, other, visit), 404, "not_found")
        no_match = await anonymous.post(
            f"{VISITS}/{visit['id']}/cancel", json={"reason": "改期"}, headers=officer
        )
        assert_problem(no_match, 428, "if_match_required")
        social = await bearer(anonymous, "social_worker")
        assert_problem(await _cancel(anonymous, social, visit), 403, "forbidden")


class TestRead:
    async def test_lists_are_scoped_and_filtered(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        social: dict[str, str],
        home: Any,
    ) -> None:
        by_agency = await _scheduled(app, anonymous, officer, home.id)
        community = await bearer(anonymous, "community_worker")
        by_community = await _scheduled(app, anonymous, community, home.id, "community_worker")
        b_home = await create_household(app, region=GRID_B1_1)
        other_officer = await bearer(anonymous, "street_officer_2")
        in_b = await _scheduled(app, anonymous, other_officer, b_home.id, "community_worker_2")

        async def listed(headers: dict[str, str], **params: Any) -> list[str]:
            response = await anonymous.get(VISITS, params=params, headers=headers)
            assert response.status_code == 200, response.text
            return [item["id"] for item in response.json()["items"]]

        assert await listed(officer) == [by_agency["id"], by_community["id"]]
        assert await listed(other_officer) == [in_b["id"]]
        assert await listed(social) == [by_agency["id"]]
        district = await bearer(anonymous, "district_officer")
        assert len(await listed(district)) == 3
        worker = str(await user_id(app, "community_worker"))
        assert await listed(officer, visitor=worker) == [by_community["id"]]
        assert await listed(district, household_id=str(b_home.id)) == [in_b["id"]]
        await _cancel(anonymous, officer, by_community)
        assert await listed(officer, status="cancelled") == [by_community["id"]]
        assert await listed(officer, status="scheduled") == [by_agency["id"]]
        assert_invalid(
            await anonymous.get(VISITS, params={"status": "done"}, headers=officer),
            ["query", "status"],
        )

        one = await anonymous.get(f"{VISITS}/{by_agency['id']}", headers=social)
        assert one.status_code == 200, one.text
        assert one.headers["ETag"] == 'W/"1"'
        assert one.json()["id"] == by_agency["id"]
        assert_problem(
            await anonymous.get(f"{VISITS}/{in_b['id']}", headers=officer), 404, "not_found"
        )
        assert_problem(
            await anonymous.get(f"{VISITS}/{by_community['id']}", headers=social), 404, "not_found"
        )
        admin = await bearer(anonymous, "admin")
        assert_problem(await anonymous.get(VISITS, headers=admin), 403, "forbidden")

    async def test_free_text_is_masked_for_grid_workers(
        self,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        social: dict[str, str],
        visit: dict[str, Any],
    ) -> None:
        recorded = await _record(anonymous, social, visit, needs_found=["medical"])
        assert recorded.status_code == 200, recorded.text
        grid = await bearer(anonymous, "grid_worker")
        response = await anonymous.get(f"{VISITS}/{visit['id']}", headers=grid)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["living_situation"] == "*" * len("独居，行动不便，家中无取暖设备。")
        assert set(body["assessment"]) == {"*"}
        assert body["needs_found"] == ["medical"]
        full = (await anonymous.get(f"{VISITS}/{visit['id']}", headers=officer)).json()
        assert full["living_situation"] == "独居，行动不便，家中无取暖设备。"


async def _application(app: FastAPI, household: Any) -> uuid.UUID:
    """An approved application of the household (applications are filed through their own
    routes; here a row stands for one, as seeding)."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        application = Application(
            household_id=household.id,
            region_code=household.region_code,
            district_code=household.district_code,
            status="approved",
            mode="self",
            channel="window",
            applied_on=today() - timedelta(days=10),
            filed_by=await user_id(app, "street_officer"),
            approved_on=today(),
        )
        session.add(application)
    return application.id


class TestApproval:
    async def test_a_visit_for_an_approved_application_meets_its_deadline(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        officer: dict[str, str],
        social: dict[str, str],
        home: Any,
    ) -> None:
        application_id = await _application(app, home)
        async with app.state.services.database.sessionmaker() as session, session.begin():
            after_approval = await open_deadline(
                session,
                Kind.visit_after_approval,
                today(),
                region_code=home.region_code,
                application_id=application_id,
            )
        response = await _schedule(
            app, anonymous, officer, home.id, application_id=str(application_id)
        )
        assert response.status_code == 201, response.text
        assert response.json()["application_id"] == str(application_id)
        other = await create_household(app)
        elsewhere = await _schedule(
            app,
            anonymous,
            officer,
            other.id,
            "community_worker",
            application_id=str(application_id),
        )
        assert_invalid(elsewhere, ["body", "application_id"], "not_found")

        recorded = await _record(anonymous, social, response.json())

        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["deadlines_met"] == ["visit_after_approval"]
        met = await deadline(app, after_approval.id)
        assert (met.status, met.done_on) == ("met", today())
