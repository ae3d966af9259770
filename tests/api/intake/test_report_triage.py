"""Triage of discovery reports (DOMAIN 6; Yubei 3(5); Beijing 2): link, dismiss, the basic
investigation; every step with If-Match, refused in a state that does not allow it (409
listing what does), audited, and announced by a thin `discovery_report.<status>` event."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.errors import NotFound
from app.core.events import DomainEvent
from app.core.transitions import InvalidTransition
from app.households.models import HouseholdNeed
from app.intake.models import InboxItem
from app.intake.reports import service
from app.workdays.public import add_working_days
from tests.api.households.ledger_http import bearer, exit_household, fetch, user_id
from tests.api.intake.reports_http import REPORTS, deadlines, file, step
from tests.factories import GRID_B1_1, create_demo_district, create_household, ledger_actor
from tests.problems import assert_invalid, assert_problem

TODAY = business_today()


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def http(anonymous: httpx.AsyncClient) -> httpx.AsyncClient:
    return anonymous


@pytest.fixture
async def home(app: FastAPI) -> Any:
    return await create_household(app)


async def _event(app: FastAPI, name: str) -> list[dict[str, Any]]:
    rows = await fetch(app, select(DomainEvent.payload).where(DomainEvent.name == name))
    return [row[0] for row in rows]


# Link --------------------------------------------------------------------------------------


async def test_linking_meets_the_ledger_deadlines_and_notes_the_needs(
    app: FastAPI, http: httpx.AsyncClient, home: Any
) -> None:
    filed = await file(http, "grid_worker", hardship_kind="incident", needs=["care", "medical"])
    response = await step(
        http, "community_worker", filed, "link", {"household_id": str(home.id), "note": "在册"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == 'W/"2"'
    household = await http.get(
        f"/api/v1/households/{home.id}", headers=await bearer(http, "community_worker")
    )
    assert response.headers["x-household-etag"] == household.headers["etag"]
    assert response.headers["x-household-version"] == str(household.json()["version"])
    linked = response.json()
    assert linked["status"] == "linked"
    assert linked["version"] == 2
    assert linked["household_id"] == str(home.id)
    assert linked["triaged_by"] == str(await user_id(app, "community_worker"))
    assert linked["triaged_at"] is not None
    assert linked["triage_note"] == "在册"
    assert linked["allowed_actions"] == []
    found = await deadlines(app, filed["id"])
    assert (found["ledger_after_hardship"].status, found["ledger_after_hardship"].done_on) == (
        "met",
        TODAY,
    )
    assert found["visit_after_hardship"].done_on is None
    needs = await fetch(
        app,
        select(HouseholdNeed.code, HouseholdNeed.source, HouseholdNeed.source_id).where(
            HouseholdNeed.household_id == home.id
        ),
    )
    report_id = uuid.UUID(filed["id"])
    assert sorted(needs) == [
        ("care", "discovery_report", report_id),
        ("medical", "discovery_report", report_id),
    ]
    assert await _event(app, "discovery_report.linked") == [
        {
            "discovery_report_id": filed["id"],
            "version": 2,
            "status": "linked",
            "region_code": filed["region_code"],
            "urgency": "routine",
        }
    ]
    inbox = await fetch(app, select(InboxItem.user_id, InboxItem.event, InboxItem.household_id))
    assert inbox == [(await user_id(app, "grid_worker"), "discovery_report.linked", None)]
    audited = await fetch(
        app, select(AuditEvent.object_id).where(AuditEvent.action == "discovery_report.link")
    )
    assert audited == [(filed["id"],)]


async def test_the_filer_who_sees_data_masked_learns_the_outcome_not_the_household(
    http: httpx.AsyncClient, home: Any
) -> None:
    filed = await file(http, "grid_worker")
    linked = await step(http, "street_officer", filed, "link", {"household_id": str(home.id)})
    assert linked.status_code == 200, linked.text
    assert "x-household-etag" not in linked.headers
    seen = await http.get(f"{REPORTS}/{filed['id']}", headers=await bearer(http, "grid_worker"))
    assert seen.json()["status"] == "linked"
    assert seen.json()["household_id"] is None
    assert seen.json()["likely_duplicate"] is None


async def test_linking_needs_an_active_household_in_reach(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    filed = await file(http, "street_officer")
    elsewhere = await create_household(app, region=GRID_B1_1)
    response = await step(
        http, "street_officer", filed, "link", {"household_id": str(elsewhere.id)}
    )
    assert_problem(response, 404, "not_found")
    gone = await create_household(app)
    assert (await exit_household(http, gone.id)).status_code == 200
    response = await step(http, "street_officer", filed, "link", {"household_id": str(gone.id)})
    assert_invalid(response, ["body", "household_id"], "household_not_active")
    unchanged = await http.get(
        f"{REPORTS}/{filed['id']}", headers=await bearer(http, "street_officer")
    )
    assert unchanged.json()["status"] == "submitted"
    assert unchanged.json()["version"] == 1


async def test_a_step_needs_the_current_version(http: httpx.AsyncClient, home: Any) -> None:
    filed = await file(http, "street_officer")
    body = {"household_id": str(home.id)}
    stale = await step(http, "street_officer", filed, "link", body, version=7)
    assert_problem(stale, 412, "version_mismatch")
    missing = await http.post(
        f"{REPORTS}/{filed['id']}/link", json=body, headers=await bearer(http, "street_officer")
    )
    assert_problem(missing, 428, "if_match_required")


# Dismiss -----------------------------------------------------------------------------------


async def test_dismissing_cancels_the_deadlines_nobody_met(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    filed = await file(http, "grid_worker", hardship_kind="major_illness")
    assert len(await deadlines(app, filed["id"])) == 2
    response = await step(
        http,
        "street_officer",
        filed,
        "dismiss",
        {"reason": "not_in_hardship", "note": "经核实家庭收入稳定。"},
    )
    assert response.status_code == 200, response.text
    dismissed = response.json()
    assert (dismissed["status"], dismissed["dismissal_reason"], dismissed["version"]) == (
        "dismissed",
        "not_in_hardship",
        2,
    )
    assert dismissed["triage_note"] == "经核实家庭收入稳定。"
    kept = await deadlines(app, filed["id"])
    assert {kind: (d.status, d.done_on) for kind, d in kept.items()} == {
        "visit_after_hardship": ("cancelled", business_today()),
        "ledger_after_hardship": ("cancelled", business_today()),
    }
    assert [e["status"] for e in await _event(app, "discovery_report.dismissed")] == ["dismissed"]
    changed = await fetch(
        app,
        select(AuditEvent.changed_fields).where(AuditEvent.action == "discovery_report.dismiss"),
    )
    assert changed == [(["deadlines", "dismissal_reason", "status", "triage_note"],)]


@pytest.mark.parametrize(
    ("body", "loc", "code"),
    [
        ({"reason": "bored"}, "reason", "unknown_code"),
        ({"reason": "Not Valid"}, "reason", "pattern"),
        ({"reason": "other"}, "note", "missing"),
        ({"note": "x"}, "reason", "missing"),
    ],
)
async def test_a_dismissal_needs_a_reason_of_the_dictionary(
    http: httpx.AsyncClient, body: dict[str, Any], loc: str, code: str
) -> None:
    filed = await file(http, "street_officer")
    response = await step(http, "street_officer", filed, "dismiss", body)
    assert_invalid(response, ["body", loc], code)


# Investigate -------------------------------------------------------------------------------


async def test_an_investigation_of_elderly_people_opens_the_screening_deadline(
    app: FastAPI, http: httpx.AsyncClient, home: Any
) -> None:
    noticed = TODAY - timedelta(days=5)
    investigated_on = TODAY - timedelta(days=2)
    filed = await file(
        http,
        "grid_worker",
        noticed_on=noticed.isoformat(),
        category_guesses=["elderly_in_distress", "other"],
    )
    response = await step(
        http,
        "community_worker",
        filed,
        "investigate",
        {"basic_investigation_on": investigated_on.isoformat()},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["version"], body["basic_investigation_on"]) == (
        "submitted",
        2,
        investigated_on.isoformat(),
    )
    assert body["allowed_actions"] == ["link", "dismiss"]
    screening = (await deadlines(app, filed["id"]))["ledger_after_screening"]
    async with app.state.services.database.sessionmaker() as session:
        due = await add_working_days(session, investigated_on, 3)
    assert (screening.triggered_on, screening.working_days, screening.due_on) == (
        investigated_on,
        3,
        due.day,
    )
    assert [e["status"] for e in await _event(app, "discovery_report.investigated")] == [
        "submitted"
    ]
    linked = await step(http, "community_worker", body, "link", {"household_id": str(home.id)})
    assert linked.status_code == 200, linked.text
    screening = (await deadlines(app, filed["id"]))["ledger_after_screening"]
    assert (screening.status, screening.done_on) == ("met", TODAY)


@pytest.mark.parametrize("guesses", [[], ["major_illness_or_incident", "social_assistance"]])
async def test_an_investigation_of_others_opens_no_deadline(
    app: FastAPI, http: httpx.AsyncClient, guesses: list[str]
) -> None:
    filed = await file(http, "street_officer", category_guesses=guesses)
    response = await step(
        http, "street_officer", filed, "investigate", {"basic_investigation_on": TODAY.isoformat()}
    )
    assert response.status_code == 200, response.text
    assert await deadlines(app, filed["id"]) == {}


async def test_the_investigation_day_is_between_the_day_learned_of_and_today(
    http: httpx.AsyncClient,
) -> None:
    noticed = TODAY - timedelta(days=3)
    filed = await file(http, "street_officer", noticed_on=noticed.isoformat())
    early = await step(
        http,
        "street_officer",
        filed,
        "investigate",
        {"basic_investigation_on": (noticed - timedelta(days=1)).isoformat()},
    )
    body = assert_invalid(early, ["body", "basic_investigation_on"], "too_early")
    assert noticed.isoformat() in body["errors"][0]["msg"]
    late = await step(
        http,
        "street_officer",
        filed,
        "investigate",
        {"basic_investigation_on": (TODAY + timedelta(days=1)).isoformat()},
    )
    assert_invalid(late, ["body", "basic_investigation_on"], "date_in_future")


# Transitions -------------------------------------------------------------------------------


async def test_the_investigation_is_recorded_once(http: httpx.AsyncClient) -> None:
    filed = await file(http, "street_officer")
    body = {"basic_investigation_on": TODAY.isoformat()}
    first = await step(http, "street_officer", filed, "investigate", body)
    assert first.status_code == 200, first.text
    again = await step(http, "street_officer", first.json(), "investigate", body)
    problem = assert_problem(again, 409, "invalid_transition")
    assert problem["allowed"] == ["link", "convert", "dismiss"]


@pytest.mark.parametrize("outcome", ["link", "dismiss"])
@pytest.mark.parametrize("then", ["link", "dismiss", "investigate"])
async def test_nothing_follows_a_triage_outcome(
    http: httpx.AsyncClient, home: Any, outcome: str, then: str
) -> None:
    bodies = {
        "link": {"household_id": str(home.id)},
        "dismiss": {"reason": "duplicate_report"},
        "investigate": {"basic_investigation_on": TODAY.isoformat()},
    }
    filed = await file(http, "community_worker")
    done = await step(http, "community_worker", filed, outcome, bodies[outcome])
    assert done.status_code == 200, done.text
    refused = await step(http, "community_worker", done.json(), then, bodies[then])
    problem = assert_problem(refused, 409, "invalid_transition")
    assert problem["allowed"] == []


# Scope and roles ---------------------------------------------------------------------------


async def test_a_report_out_of_reach_cannot_be_triaged(http: httpx.AsyncClient, home: Any) -> None:
    filed = await file(http, "street_officer")
    for action, body in (
        ("link", {"household_id": str(home.id)}),
        ("dismiss", {"reason": "moved_away"}),
        ("investigate", {"basic_investigation_on": TODAY.isoformat()}),
    ):
        for username in ("street_officer_2", "community_worker_2"):
            response = await step(http, username, filed, action, body)
            assert_problem(response, 404, "not_found")


@pytest.mark.parametrize(
    "username", ["grid_worker", "district_officer", "auditor", "social_worker"]
)
async def test_only_street_officers_and_community_workers_triage(
    http: httpx.AsyncClient, username: str
) -> None:
    filed = await file(http, "grid_worker")
    response = await step(http, username, filed, "dismiss", {"reason": "moved_away"})
    assert_problem(response, 403, "forbidden")


# Conversion (by an application) ------------------------------------------------------------


async def test_an_application_naming_the_report_converts_it_once(
    app: FastAPI, http: httpx.AsyncClient, home: Any
) -> None:
    """`service.convert` is what filing an application from the report calls."""
    filed = await file(http, "grid_worker", hardship_kind="other_hardship")
    actor = await ledger_actor(app, "community_worker")
    database = app.state.services.database
    async with database.sessionmaker() as session, session.begin():
        converted = await service.convert(session, actor, uuid.UUID(filed["id"]), home.id)
    assert (converted.status, converted.household_id, converted.version) == (
        "converted",
        home.id,
        2,
    )
    seen = await http.get(f"{REPORTS}/{filed['id']}", headers=await bearer(http, "street_officer"))
    assert seen.json()["status"] == "converted"
    assert seen.json()["household_id"] == str(home.id)
    assert seen.json()["allowed_actions"] == []
    assert [e["status"] for e in await _event(app, "discovery_report.converted")] == ["converted"]
    found = await deadlines(app, filed["id"])
    assert {d.done_on for d in found.values()} == {None}
    with pytest.raises(InvalidTransition):
        async with database.sessionmaker() as session, session.begin():
            await service.convert(session, actor, uuid.UUID(filed["id"]), home.id)
    for action, body in (
        ("link", {"household_id": str(home.id)}),
        ("dismiss", {"reason": "duplicate_report"}),
        ("investigate", {"basic_investigation_on": TODAY.isoformat()}),
    ):
        refused = await step(http, "community_worker", seen.json(), action, body)
        assert assert_problem(refused, 409, "invalid_transition")["allowed"] == []
    outsider = await ledger_actor(app, "street_officer_2")
    with pytest.raises(NotFound):
        async with database.sessionmaker() as session, session.begin():
            await service.convert(session, outsider, uuid.UUID(filed["id"]), home.id)
