"""Applications at the one window (一门受理, DOMAIN 6): filing for a household of the ledger or
one entered with it (an applicant, `pending`), proxy applications with the household's
authorisation, applications from discovery reports, who may file, scope and masking."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.events import DomainEvent
from app.households.models import Household, HouseholdEpisode, HouseholdNeed
from app.intake.models import Application, Deadline, DiscoveryReport, InboxItem
from tests.api.households.ledger_http import (
    PDF,
    bearer,
    fetch,
    history,
    member,
    open_to_social_worker,
    organization_id,
    user_id,
)
from tests.api.households.records import HOUSEHOLDS, household_body
from tests.factories import (
    GRID_A1_1,
    GRID_B1_1,
    assign_household,
    create_demo_district,
    create_household,
)
from tests.problems import assert_invalid, assert_problem

APPLICATIONS = "/api/v1/applications"
TODAY = business_today()


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def worker(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "community_worker")


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


def body(household_id: Any = None, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"mode": "self", "needs": ["medical"], "applied_on": TODAY.isoformat()}
    if household_id is not None:
        base["household_id"] = str(household_id)
    return {**base, **fields}


async def file(
    http: httpx.AsyncClient, headers: dict[str, str], data: dict[str, Any]
) -> dict[str, Any]:
    response = await http.post(APPLICATIONS, json=data, headers=headers)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    assert response.headers["Location"] == f"{APPLICATIONS}/{found['id']}"
    assert response.headers["ETag"] == f'W/"{found["version"]}"'
    return found


async def step(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    application: dict[str, Any],
    action: str,
    **fields: Any,
) -> httpx.Response:
    return await http.post(
        f"{APPLICATIONS}/{application['id']}/{action}",
        json={"effective_on": TODAY.isoformat(), **fields},
        headers={**headers, "If-Match": f'W/"{application["version"]}"'},
    )


async def _row(app: FastAPI, household_id: Any) -> Household:
    [(found,)] = await fetch(
        app, select(Household).where(Household.id == uuid.UUID(str(household_id)))
    )
    assert isinstance(found, Household)
    return found


async def test_an_application_for_a_household_of_the_ledger_notes_its_needs_and_deadlines(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    household = await create_household(app)
    [person_id] = [household.head_person_id]
    filed = await file(
        anonymous,
        worker,
        body(
            household.id,
            needs=["medical", "care"],
            applicant_person_id=str(person_id),
            situation="户主突发脑梗住院",
            hardship_kind="major_illness",
            hardship_learned_on=TODAY.isoformat(),
        ),
    )
    assert filed["status"] == "submitted"
    assert filed["allowed"] == ["accept", "reject", "withdraw"]
    assert filed["household_status"] == "active"
    assert filed["channel"] == "self_application"
    assert filed["created_household"] is False
    assert filed["situation"] == "户主突发脑梗住院"
    assert filed["filed_by"]["display_name"] == "百果园社区工作者"
    [filing] = filed["transitions"]
    assert filing["action"] == "file"
    assert filing["from_status"] is None
    assert filing["to_status"] == "submitted"
    assert filing["by"]["type"] == "user"
    assert [(n["code"], n["status"], n["source"]) for n in filed["needs"]] == [
        ("care", "open", "application"),
        ("medical", "open", "application"),
    ]
    assert {n["source_id"] for n in filed["needs"]} == {filed["id"]}
    kinds = {d["kind"]: d["status"] for d in filed["deadlines"]}
    # In the ledger already: its ledger deadline is met on the day the hardship was learned of.
    assert kinds == {"visit_after_hardship": "open", "ledger_after_hardship": "met"}
    shown = await anonymous.get(f"{HOUSEHOLDS}/{household.id}", headers=worker)
    assert shown.json()["needs"] == ["care", "medical"]
    events = await fetch(app, select(DomainEvent.name, DomainEvent.payload))
    [(name, payload)] = [e for e in events if e[0].startswith("application.")]
    assert name == "application.submitted"
    assert payload == {
        "application_id": filed["id"],
        "household_id": str(household.id),
        "version": 1,
        "status": "submitted",
        "region_code": GRID_A1_1,
    }
    read = await anonymous.get(f"{APPLICATIONS}/{filed['id']}", headers=worker)
    assert read.status_code == 200
    assert read.json() == filed


async def test_a_household_entered_with_its_application_is_an_applicant_until_accepted(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str], officer: dict[str, str]
) -> None:
    filed = await file(
        anonymous,
        worker,
        body(
            household=household_body(),
            hardship_kind="incident",
            hardship_learned_on=TODAY.isoformat(),
        ),
    )
    assert filed["created_household"] is True
    assert filed["household_status"] == "pending"
    assert filed["applicant_person_id"] is not None
    row = await _row(app, filed["household_id"])
    assert (row.status, row.intake_source, row.intake_source_id) == (
        "pending",
        "application",
        uuid.UUID(filed["id"]),
    )
    assert (row.application_mode, row.discovery_channel) == ("self", "self_application")
    assert {d["kind"]: d["status"] for d in filed["deadlines"]} == {
        "visit_after_hardship": "open",
        "ledger_after_hardship": "open",
    }
    # An applicant is not in the ledger: not in the default list, no stay yet.
    listed = await anonymous.get(HOUSEHOLDS, headers=officer)
    assert filed["household_id"] not in {h["id"] for h in listed.json()["items"]}
    assert (
        await fetch(
            app,
            select(HouseholdEpisode.id).where(
                HouseholdEpisode.household_id == uuid.UUID(filed["household_id"])
            ),
        )
        == []
    )

    accepted = await step(anonymous, worker, filed, "accept", note="材料齐全")
    assert accepted.status_code == 200, accepted.text
    shown = accepted.json()
    assert shown["status"] == "accepted"
    assert shown["household_status"] == "active"
    assert shown["version"] == 2
    assert accepted.headers["ETag"] == 'W/"2"'
    assert {d["kind"]: d["status"] for d in shown["deadlines"]} == {
        "visit_after_hardship": "open",
        "ledger_after_hardship": "met",
    }
    [(entered_on, reason)] = await fetch(
        app,
        select(HouseholdEpisode.entered_on, HouseholdEpisode.entry_reason).where(
            HouseholdEpisode.household_id == uuid.UUID(filed["household_id"])
        ),
    )
    assert (entered_on, reason) == (TODAY, "first_registration")
    entries = await history(anonymous, officer, filed["household_id"])
    admitted = [e for e in entries if e["action"] == "household.admit"]
    assert admitted
    assert admitted[0]["changes"]["status"] == {"before": "pending", "after": "active"}


async def test_a_rejected_applicant_is_declined_and_refuses_writes_until_it_applies_again(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    filed = await file(anonymous, worker, body(household=household_body()))
    rejected = await step(anonymous, worker, filed, "reject", reason="not_in_scope")
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["household_status"] == "declined"
    assert rejected.json()["allowed"] == []
    assert rejected.json()["transitions"][-1]["reason"] == "not_in_scope"
    measure = await anonymous.post(
        f"{HOUSEHOLDS}/{filed['household_id']}/members",
        json=member(),
        headers=worker,
    )
    problem = assert_problem(measure, 409, "household_declined")
    assert problem["household_id"] == filed["household_id"]
    again = await file(anonymous, worker, body(filed["household_id"]))
    assert again["household_status"] == "pending"
    withdrawn = await step(anonymous, worker, again, "withdraw", note="申请人撤回")
    assert withdrawn.json()["household_status"] == "declined"


async def test_every_step_is_kept_and_announced_to_the_filer(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str], officer: dict[str, str]
) -> None:
    household = await create_household(app)
    current = await file(anonymous, worker, body(household.id))
    for action, headers, extra in (
        ("accept", worker, {}),
        ("investigate", worker, {}),
        ("assess", officer, {}),
        ("approve", officer, {"note": "符合条件"}),
        ("close", worker, {}),
    ):
        answered = await step(anonymous, headers, current, action, **extra)
        assert answered.status_code == 200, (action, answered.text)
        current = answered.json()
    assert current["status"] == "closed"
    assert current["allowed"] == []
    assert current["approved_on"] == TODAY.isoformat()
    assert [(t["action"], t["from_status"], t["to_status"]) for t in current["transitions"]] == [
        ("file", None, "submitted"),
        ("accept", "submitted", "accepted"),
        ("investigate", "accepted", "under_investigation"),
        ("assess", "under_investigation", "assessed"),
        ("approve", "assessed", "approved"),
        ("close", "approved", "closed"),
    ]
    assert current["transitions"][4]["by"]["display_name"] == "双龙湖街道干部"
    assert current["transitions"][4]["note"] == "符合条件"
    [visit] = [d for d in current["deadlines"] if d["kind"] == "visit_after_approval"]
    assert visit["triggered_on"] == TODAY.isoformat()
    assert visit["status"] == "open"
    worker_id = await user_id(app, "community_worker")
    inbox = await fetch(
        app, select(InboxItem.event).where(InboxItem.user_id == worker_id).order_by(InboxItem.id)
    )
    assert [e for (e,) in inbox] == [
        "application.accepted",
        "application.under_investigation",
        "application.assessed",
        "application.approved",
        "application.closed",
    ]


async def test_a_step_the_state_does_not_allow_is_409_listing_the_allowed_ones(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str], officer: dict[str, str]
) -> None:
    household = await create_household(app)
    filed = await file(anonymous, worker, body(household.id))
    for action in ("investigate", "assess", "close"):
        refused = await step(anonymous, worker, filed, action)
        assert assert_problem(refused, 409, "invalid_transition")["allowed"] == [
            "accept",
            "reject",
            "withdraw",
        ]
    for action in ("approve", "not_approve"):
        refused = await step(anonymous, officer, filed, action, reason="other", note="x")
        assert assert_problem(refused, 409, "invalid_transition")["allowed"] == [
            "accept",
            "reject",
            "withdraw",
        ]
    withdrawn = (await step(anonymous, worker, filed, "withdraw")).json()
    refused = await step(anonymous, worker, withdrawn, "accept")
    assert assert_problem(refused, 409, "invalid_transition")["allowed"] == []


async def test_steps_need_if_match_and_a_day_in_order(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    household = await create_household(app)
    filed = await file(
        anonymous, worker, body(household.id, applied_on=(TODAY - timedelta(days=3)).isoformat())
    )
    url = f"{APPLICATIONS}/{filed['id']}/accept"
    missing = await anonymous.post(url, json={"effective_on": TODAY.isoformat()}, headers=worker)
    assert_problem(missing, 428, "if_match_required")
    stale = await anonymous.post(
        url, json={"effective_on": TODAY.isoformat()}, headers={**worker, "If-Match": 'W/"7"'}
    )
    assert_problem(stale, 412, "version_mismatch")
    future = await step(
        anonymous, worker, filed, "accept", effective_on=(TODAY + timedelta(days=1)).isoformat()
    )
    assert_invalid(future, ["body", "effective_on"], "date_in_future")
    early = await step(
        anonymous, worker, filed, "accept", effective_on=(TODAY - timedelta(days=4)).isoformat()
    )
    assert assert_invalid(early, ["body", "effective_on"], "too_early")
    with_reason = await step(anonymous, worker, filed, "accept", reason="other")
    assert_invalid(with_reason, ["body", "reason"], "not_allowed")
    no_reason = await step(anonymous, worker, filed, "reject")
    assert_invalid(no_reason, ["body", "reason"], "missing")
    unknown = await step(anonymous, worker, filed, "reject", reason="no_such_reason")
    assert_invalid(unknown, ["body", "reason"], "unknown_code")
    other = await step(anonymous, worker, filed, "reject", reason="other")
    assert_invalid(other, ["body", "note"], "missing")


async def test_filing_is_checked(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    household = await create_household(app)
    both = await anonymous.post(
        APPLICATIONS, json=body(household.id, household=household_body()), headers=worker
    )
    assert_invalid(both, ["body"], "household_or_id")
    half = await anonymous.post(
        APPLICATIONS, json=body(household.id, hardship_kind="incident"), headers=worker
    )
    assert_invalid(half, ["body"], "hardship_pair")
    no_needs = await anonymous.post(APPLICATIONS, json=body(household.id, needs=[]), headers=worker)
    assert_invalid(no_needs, ["body", "needs"], "too_short")
    unknown = await anonymous.post(
        APPLICATIONS, json=body(household.id, needs=["no_such_need"]), headers=worker
    )
    assert_invalid(unknown, ["body", "needs"], "unknown_code")
    future = await anonymous.post(
        APPLICATIONS,
        json=body(household.id, applied_on=(TODAY + timedelta(days=1)).isoformat()),
        headers=worker,
    )
    assert_invalid(future, ["body", "applied_on"], "date_in_future")
    stranger = await anonymous.post(
        APPLICATIONS, json=body(household.id, applicant_person_id=str(uuid.uuid4())), headers=worker
    )
    assert_invalid(stranger, ["body", "applicant_person_id"], "not_a_member")
    await file(anonymous, worker, body(household.id))
    second = await anonymous.post(APPLICATIONS, json=body(household.id), headers=worker)
    assert_problem(second, 409, "application_open")


async def test_a_proxy_application_needs_the_organisation_and_the_households_authorisation(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    household = await create_household(app)
    agency = str(await organization_id(app, "渝北区同心社会工作服务中心"))
    proxy = {"mode": "proxy_social_worker"}
    no_org = await anonymous.post(APPLICATIONS, json=body(household.id, **proxy), headers=worker)
    assert_invalid(no_org, ["body", "proxy_organization_id"], "missing")
    committee = await anonymous.post(
        APPLICATIONS,
        json=body(household.id, mode="proxy_residents_committee", proxy_organization_id=agency),
        headers=worker,
    )
    assert_invalid(committee, ["body", "proxy_organization_id"], "wrong_organization_kind")
    no_paper = await anonymous.post(
        APPLICATIONS, json=body(household.id, proxy_organization_id=agency, **proxy), headers=worker
    )
    assert_invalid(no_paper, ["body", "authorisation_document_id"], "authorisation_missing")
    self_with_org = await anonymous.post(
        APPLICATIONS, json=body(household.id, proxy_organization_id=agency), headers=worker
    )
    assert_invalid(self_with_org, ["body", "proxy_organization_id"], "not_allowed")
    uploaded = await anonymous.post(
        f"{HOUSEHOLDS}/{household.id}/documents",
        files={"file": ("授权委托书.pdf", PDF, "application/pdf")},
        data={"kind": "authorisation"},
        headers=worker,
    )
    assert uploaded.status_code == 201, uploaded.text
    filed = await file(
        anonymous,
        worker,
        body(
            household.id,
            proxy_organization_id=agency,
            authorisation_document_id=uploaded.json()["id"],
            **proxy,
        ),
    )
    assert (filed["mode"], filed["proxy_organization_id"]) == ("proxy_social_worker", agency)
    assert filed["authorisation_document_id"] == uploaded.json()["id"]


async def test_a_new_households_authorisation_comes_before_acceptance(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    agency = str(await organization_id(app, "渝北区同心社会工作服务中心"))
    filed = await file(
        anonymous,
        worker,
        body(household=household_body(), mode="proxy_social_worker", proxy_organization_id=agency),
    )
    assert filed["authorisation_document_id"] is None
    refused = await step(anonymous, worker, filed, "accept")
    assert_problem(refused, 409, "authorisation_required")
    uploaded = await anonymous.post(
        f"{HOUSEHOLDS}/{filed['household_id']}/documents",
        files={"file": ("授权委托书.pdf", PDF, "application/pdf")},
        data={"kind": "authorisation"},
        headers=worker,
    )
    assert uploaded.status_code == 201, uploaded.text
    accepted = await step(anonymous, worker, filed, "accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["authorisation_document_id"] == uploaded.json()["id"]


async def test_an_application_from_a_discovery_report_converts_it(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    household = await create_household(app)
    grid_worker = await user_id(app, "grid_worker")
    async with app.state.services.database.sessionmaker() as session, session.begin():
        report = DiscoveryReport(
            region_code=GRID_A1_1,
            district_code=GRID_A1_1[:6],
            channel="grid_worker",
            filed_by=grid_worker,
            noticed_on=TODAY,
            address="百果园小区",
            situation="独居老人行动不便",
            urgency="urgent",
        )
        session.add(report)
    filed = await file(anonymous, worker, body(household.id, discovery_report_id=str(report.id)))
    assert (filed["channel"], filed["discovery_report_id"]) == ("grid_worker", str(report.id))
    [(status, linked, triaged_by)] = await fetch(
        app,
        select(
            DiscoveryReport.status, DiscoveryReport.household_id, DiscoveryReport.triaged_by
        ).where(DiscoveryReport.id == report.id),
    )
    assert (status, linked) == ("converted", household.id)
    assert triaged_by == await user_id(app, "community_worker")
    # The conversion is the report's own step: audited, announced, and in the filer's inbox
    # without the household's id.
    [(audited,)] = await fetch(
        app,
        select(AuditEvent.object_id).where(AuditEvent.action == "discovery_report.convert"),
    )
    assert audited == str(report.id)
    [(payload,)] = await fetch(
        app,
        select(DomainEvent.payload).where(DomainEvent.name == "discovery_report.converted"),
    )
    assert payload["status"] == "converted"
    [(told, about)] = await fetch(
        app,
        select(InboxItem.user_id, InboxItem.household_id).where(
            InboxItem.event == "discovery_report.converted"
        ),
    )
    assert (told, about) == (grid_worker, None)
    other = await create_household(app)
    again = await anonymous.post(
        APPLICATIONS, json=body(other.id, discovery_report_id=str(report.id)), headers=worker
    )
    assert_invalid(again, ["body", "discovery_report_id"], "report_not_open")
    unknown = await anonymous.post(
        APPLICATIONS, json=body(other.id, discovery_report_id=str(uuid.uuid4())), headers=worker
    )
    assert_invalid(unknown, ["body", "discovery_report_id"], "not_found")


async def test_a_grid_worker_files_only_for_its_paired_households_and_sees_them_masked(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    grid = await bearer(anonymous, "grid_worker")
    household = await create_household(app)
    unpaired = await anonymous.post(APPLICATIONS, json=body(household.id), headers=grid)
    assert_problem(unpaired, 403, "forbidden")
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(Household)
            .where(Household.id == household.id)
            .values(paired_worker_id=await user_id(app, "grid_worker"))
        )
    filed = await file(
        anonymous,
        grid,
        body(household.id, mode="assisted_by_paired_worker", situation="独居老人行动不便"),
    )
    assert filed["situation"] == "********"
    entering = await anonymous.post(
        APPLICATIONS, json=body(household=household_body()), headers=grid
    )
    assert_problem(entering, 403, "forbidden")
    full = await anonymous.get(f"{APPLICATIONS}/{filed['id']}", headers=worker)
    assert full.json()["situation"] == "独居老人行动不便"
    accept = await step(anonymous, grid, filed, "accept")
    assert_problem(accept, 403, "forbidden")
    withdrawn = await step(anonymous, grid, filed, "withdraw", note="本人不再申请")
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["transitions"][-1]["note"] == "******"


async def test_applications_out_of_reach_are_404_and_lists_are_scoped(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str], officer: dict[str, str]
) -> None:
    mine = await create_household(app)
    theirs = await create_household(app, region=GRID_B1_1)
    other_street = await bearer(anonymous, "street_officer_2")
    filed = await file(anonymous, worker, body(mine.id))
    foreign = await file(anonymous, other_street, body(theirs.id))
    hidden = await anonymous.get(f"{APPLICATIONS}/{filed['id']}", headers=other_street)
    assert_problem(hidden, 404, "not_found")
    out_of_reach = await anonymous.post(APPLICATIONS, json=body(theirs.id), headers=worker)
    assert_problem(out_of_reach, 404, "not_found")
    refused = await step(anonymous, other_street, filed, "accept")
    assert_problem(refused, 404, "not_found")
    listed = await anonymous.get(APPLICATIONS, headers=officer)
    assert [a["id"] for a in listed.json()["items"]] == [filed["id"]]
    assert listed.json()["next_cursor"] is None
    district = await bearer(anonymous, "district_officer")
    both = await anonymous.get(APPLICATIONS, params={"limit": 1}, headers=district)
    assert [a["id"] for a in both.json()["items"]] == [filed["id"]]
    following = await anonymous.get(
        APPLICATIONS, params={"limit": 1, "cursor": both.json()["next_cursor"]}, headers=district
    )
    assert [a["id"] for a in following.json()["items"]] == [foreign["id"]]
    for params, expected in (
        ({"status": "submitted"}, [filed["id"], foreign["id"]]),
        ({"status": "accepted"}, []),
        ({"region": GRID_B1_1}, [foreign["id"]]),
        ({"household_id": str(mine.id)}, [filed["id"]]),
    ):
        found = await anonymous.get(APPLICATIONS, params=params, headers=district)
        assert [a["id"] for a in found.json()["items"]] == expected, params
    summary = listed.json()["items"][0]
    assert summary["status"] == "submitted"
    assert summary["filed_by"]["type"] == "user"


async def test_roles_that_may_not_take_a_step_are_403(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    household = await create_household(app)
    filed = await file(anonymous, worker, body(household.id))
    district = await bearer(anonymous, "district_officer")
    assert_problem(await step(anonymous, district, filed, "accept"), 403, "forbidden")
    assert_problem(await step(anonymous, worker, filed, "approve"), 403, "forbidden")
    need_rows = await fetch(
        app, select(HouseholdNeed.source).where(HouseholdNeed.household_id == household.id)
    )
    assert [s for (s,) in need_rows] == ["application"]


async def test_a_pending_applicant_takes_the_records_writes_but_no_exit(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str], officer: dict[str, str]
) -> None:
    filed = await file(anonymous, worker, body(household=household_body()))
    hid = filed["household_id"]
    added = await anonymous.post(f"{HOUSEHOLDS}/{hid}/members", json=member(), headers=worker)
    assert added.status_code == 201, added.text
    exit_refused = await anonymous.post(
        f"{HOUSEHOLDS}/{hid}/exit-proposals",
        json={
            "reason": "out_of_hardship",
            "basis": {"code": "follow_up_visit", "on": TODAY.isoformat()},
        },
        headers=officer,
    )
    problem = assert_problem(exit_refused, 409, "invalid_transition")
    assert problem["allowed"] == []
    pending = await anonymous.get(HOUSEHOLDS, params={"status": "pending"}, headers=officer)
    assert [h["id"] for h in pending.json()["items"]] == [hid]


async def test_a_social_worker_files_for_its_assigned_households_only(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    social = await open_to_social_worker(app, anonymous)
    assigned = await create_household(app)
    await assign_household(app, assigned.id)
    other = await create_household(app)
    filed = await file(anonymous, social, body(assigned.id, situation="需要照料"))
    assert filed["filed_by"]["type"] == "user"
    assert filed["situation"] == "需要照料"
    not_assigned = await anonymous.post(APPLICATIONS, json=body(other.id), headers=social)
    assert_problem(not_assigned, 404, "not_found")
    entering = await anonymous.post(
        APPLICATIONS, json=body(household=household_body()), headers=social
    )
    assert_problem(entering, 403, "forbidden")


async def test_filing_again_with_the_same_idempotency_key_answers_the_first_filing(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    household = await create_household(app)
    keyed = {**worker, "Idempotency-Key": "application-1"}
    first = await anonymous.post(APPLICATIONS, json=body(household.id), headers=keyed)
    again = await anonymous.post(APPLICATIONS, json=body(household.id), headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert len(await fetch(app, select(Application.id))) == 1


async def test_the_district_decides_either_way_and_a_withdrawal_after_acceptance_keeps_the_ledger(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str], officer: dict[str, str]
) -> None:
    district = await bearer(anonymous, "district_officer")
    outcomes = {}
    for decision, extra in (("approve", {}), ("not_approve", {"reason": "income_above_line"})):
        current = await file(anonymous, worker, body((await create_household(app)).id))
        for action in ("accept", "investigate", "assess"):
            current = (await step(anonymous, officer, current, action)).json()
        decided = await step(anonymous, district, current, decision, **extra)
        assert decided.status_code == 200, decided.text
        outcomes[decision] = decided.json()
    approved, refused = outcomes["approve"], outcomes["not_approve"]
    assert (approved["status"], approved["approved_on"]) == ("approved", TODAY.isoformat())
    assert approved["transitions"][-1]["by"]["display_name"] == "区民政局干部"
    [visit] = approved["deadlines"]
    assert visit["kind"] == "visit_after_approval"
    assert visit["due_on"] > visit["triggered_on"]
    [(days,)] = await fetch(
        app, select(Deadline.working_days).where(Deadline.id == uuid.UUID(visit["id"]))
    )
    assert days == 1
    assert (refused["status"], refused["approved_on"], refused["deadlines"]) == (
        "not_approved",
        None,
        [],
    )
    assert refused["transitions"][-1]["reason"] == "income_above_line"
    assert refused["allowed"] == ["close"]
    later = await file(anonymous, worker, body(household=household_body()))
    later = (await step(anonymous, worker, later, "accept")).json()
    withdrawn = await step(anonymous, worker, later, "withdraw", note="家庭情况好转")
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["household_status"] == "active"


async def test_acceptance_meets_the_ledger_deadline_of_the_report_it_came_from(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    grid_worker = await user_id(app, "grid_worker")
    async with app.state.services.database.sessionmaker() as session, session.begin():
        report = DiscoveryReport(
            region_code=GRID_A1_1,
            district_code=GRID_A1_1[:6],
            channel="community",
            filed_by=grid_worker,
            noticed_on=TODAY,
            address="百果园小区",
            situation="摸排发现独居老人",
            urgency="routine",
            basic_investigation_on=TODAY,
        )
        session.add(report)
        await session.flush()
        session.add(
            Deadline(
                kind="ledger_after_screening",
                region_code=GRID_A1_1,
                district_code=GRID_A1_1[:6],
                discovery_report_id=report.id,
                triggered_on=TODAY,
                working_days=3,
                due_on=TODAY + timedelta(days=5),
            )
        )
    filed = await file(
        anonymous, worker, body(household=household_body(), discovery_report_id=str(report.id))
    )
    assert filed["channel"] == "community"
    row = await _row(app, filed["household_id"])
    assert (row.intake_source, row.discovery_channel) == ("application", "community")
    accepted = await step(anonymous, worker, filed, "accept")
    assert accepted.status_code == 200, accepted.text
    [(status, done_on)] = await fetch(
        app,
        select(Deadline.status, Deadline.done_on).where(Deadline.discovery_report_id == report.id),
    )
    assert (status, done_on) == ("met", TODAY)


async def test_a_declined_applicants_member_moves_out_but_no_one_moves_in(
    app: FastAPI, anonymous: httpx.AsyncClient, worker: dict[str, str]
) -> None:
    filed = await file(anonymous, worker, body(household=household_body()))
    declined = (await step(anonymous, worker, filed, "withdraw")).json()
    assert declined["household_status"] == "declined"
    person_id = declined["applicant_person_id"]
    home = await create_household(app)

    async def move(person: Any, source: Any, target: Any) -> httpx.Response:
        return await anonymous.post(
            f"/api/v1/persons/{person}/transfer",
            json={
                "relation_to_head": "spouse",
                "from_household_id": str(source),
                "to_household_id": str(target),
            },
            headers=worker,
        )

    into = await move(home.head_person_id, home.id, declined["household_id"])
    assert_problem(into, 409, "household_declined")
    out = await move(person_id, declined["household_id"], home.id)
    assert out.status_code == 200, out.text
