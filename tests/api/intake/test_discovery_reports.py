"""Discovery reports (主动发现, 线索; DOMAIN 6): filing, duplicate flagging, masking, scope.

Grid workers, community workers and street officers file leads in their scope; a lead
matching an active household (same ID number in the street, same address in the
community) is flagged for the triaging officers, and the grid worker who filed it cannot
tell from anything it is shown whether one matched (no unmasking oracle, issue 12).
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.events import DomainEvent
from app.intake.models import DiscoveryReport, InboxItem
from app.workdays.public import add_working_days
from tests.api.households.ledger_http import bearer, exit_household, fetch, user_id
from tests.api.intake.reports_http import REPORTS, deadlines, file, report
from tests.factories import (
    COMMUNITY_A1,
    GRID_A1_1,
    GRID_A1_2,
    GRID_B1_1,
    create_demo_district,
    create_household,
    id_number,
)
from tests.problems import assert_invalid, assert_problem

NUMBER = id_number(birth="1948-05-02", sex="male", seq=41)
HOME = "百果园小区 3 栋 2 单元 501"
VARIABLE = ("id", "filed_at")
"""What differs between two reports filed alike: their identity and their moment."""


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def http(anonymous: httpx.AsyncClient) -> httpx.AsyncClient:
    return anonymous


@pytest.fixture
async def home(app: FastAPI) -> Any:
    """An active household of grid 500112001001001 at `HOME` whose head has `NUMBER`."""
    return await create_household(
        app,
        address=HOME,
        members=[{"name": "王德明", "relation_to_head": "self", "id_number": NUMBER}],
    )


async def _stored(app: FastAPI, report_id: Any) -> DiscoveryReport:
    rows = await fetch(
        app, select(DiscoveryReport).where(DiscoveryReport.id == uuid.UUID(report_id))
    )
    found: DiscoveryReport = rows[0][0]
    return found


# Filing ------------------------------------------------------------------------------------


async def test_a_street_officer_files_a_report_and_sees_it_whole(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    headers = await bearer(http, "street_officer")
    body = report(
        id_number=NUMBER,
        region_code=GRID_A1_2,
        urgency="urgent",
        category_guesses=["elderly_in_distress", "severe_disability", "elderly_in_distress"],
        needs=["care", "medical"],
    )
    response = await http.post(REPORTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"{REPORTS}/{created['id']}"
    assert response.headers["etag"] == 'W/"1"'
    assert {k: v for k, v in created.items() if k not in VARIABLE} == {
        "version": 1,
        "status": "submitted",
        "allowed_actions": ["investigate", "link", "dismiss"],
        "region_code": GRID_A1_2,
        "channel": "street",
        "filed_by": str(await user_id(app, "street_officer")),
        "noticed_on": body["noticed_on"],
        "subject_name": "王德明",
        "id_number": NUMBER,
        "address": body["address"],
        "situation": body["situation"],
        "urgency": "urgent",
        "category_guesses": ["elderly_in_distress", "severe_disability"],
        "hardship_kind": None,
        "needs": ["care", "medical"],
        "likely_duplicate": None,
        "household_id": None,
        "basic_investigation_on": None,
        "triaged_by": None,
        "triaged_at": None,
        "dismissal_reason": None,
        "triage_note": None,
    }
    stored = await _stored(app, created["id"])
    assert NUMBER not in (stored.id_number_cipher or "")
    assert stored.id_number_key_id == app.state.services.vault.current_key_id
    assert stored.id_number_index == app.state.services.vault.index(NUMBER)
    assert app.state.services.vault.open(stored.id_number_cipher) == NUMBER
    assert stored.district_code == "500112"
    lookups = await fetch(
        app, select(AuditEvent.object_id).where(AuditEvent.action == "discovery_report.lookup")
    )
    assert lookups == [(stored.id_number_index,)]


@pytest.mark.parametrize(
    ("username", "region", "channel"),
    [
        ("street_officer", GRID_A1_1, "street"),
        ("community_worker", COMMUNITY_A1, "community"),
        ("grid_worker", GRID_A1_1, "grid_worker"),
    ],
)
async def test_the_channel_follows_the_filers_role(
    http: httpx.AsyncClient, username: str, region: str, channel: str
) -> None:
    created = await file(http, username, region_code=region)
    assert created["channel"] == channel
    assert created["region_code"] == region


async def test_a_grid_worker_sees_its_own_report_masked(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    created = await file(http, "grid_worker", subject_name="王德明", address="百果园 1 号")
    assert created["subject_name"] == "王**"
    assert created["address"] == "*" * len("百果园 1 号")
    assert created["situation"] == "*" * len("独居老人，行动不便。")
    assert created["id_number"] is None
    assert created["allowed_actions"] == []
    read = await http.get(f"{REPORTS}/{created['id']}", headers=await bearer(http, "grid_worker"))
    assert read.status_code == 200
    assert read.json() == created
    stored = await _stored(app, created["id"])
    assert stored.address == "百果园 1 号"
    assert stored.subject_name == "王德明"


async def test_a_grid_worker_may_not_give_an_id_number(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    response = await http.post(
        REPORTS, json=report(id_number=NUMBER), headers=await bearer(http, "grid_worker")
    )
    assert_problem(response, 403, "forbidden")
    assert await fetch(app, select(DiscoveryReport.id)) == []
    denied = await fetch(app, select(AuditEvent.action).where(AuditEvent.outcome == "denied"))
    assert ("denied:discovery_reports:file+id_number",) in denied


@pytest.mark.parametrize(
    ("username", "region", "code"),
    [
        ("grid_worker", GRID_A1_2, "region_out_of_scope"),
        ("grid_worker", COMMUNITY_A1, "region_out_of_scope"),
        ("community_worker", GRID_B1_1, "region_out_of_scope"),
        ("street_officer", "500112001", "region_level"),
        ("street_officer", "500112001009", "not_found"),
    ],
)
async def test_a_report_is_filed_in_an_existing_community_or_grid_of_the_filers_scope(
    http: httpx.AsyncClient, username: str, region: str, code: str
) -> None:
    response = await http.post(
        REPORTS, json=report(region_code=region), headers=await bearer(http, username)
    )
    assert_invalid(response, ["body", "region_code"], code)


@pytest.mark.parametrize(
    ("fields", "loc", "code"),
    [
        (
            {"noticed_on": (business_today() + timedelta(days=1)).isoformat()},
            "noticed_on",
            "date_in_future",
        ),
        ({"urgency": "whenever"}, "urgency", "unknown_code"),
        ({"hardship_kind": "bad_luck"}, "hardship_kind", "unknown_code"),
        ({"needs": ["moonshine"]}, "needs", "unknown_code"),
        ({"address": ""}, "address", "too_short"),
        ({"address": "   "}, "address", "too_short"),
        ({"subject_name": " "}, "subject_name", "too_short"),
        ({"situation": "x" * 2001}, "situation", "too_long"),
        ({"id_number": "500112194805020411"}, "id_number", None),
        ({"colour": "red"}, "colour", "unknown_field"),
    ],
)
async def test_invalid_reports_are_refused_field_by_field(
    http: httpx.AsyncClient, fields: dict[str, Any], loc: str, code: str | None
) -> None:
    response = await http.post(
        REPORTS, json=report(**fields), headers=await bearer(http, "street_officer")
    )
    body = assert_invalid(response, ["body", loc], code)
    assert body["errors"][0]["code"]


async def test_a_category_guess_is_a_vulnerability_category(http: httpx.AsyncClient) -> None:
    response = await http.post(
        REPORTS,
        json=report(category_guesses=["elderly_in_distress", "lonely"]),
        headers=await bearer(http, "street_officer"),
    )
    assert_invalid(response, ["body", "category_guesses", 1], "unknown_code")


async def test_a_hardship_opens_the_visit_and_ledger_deadlines_from_the_day_learned_of(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    noticed = business_today() - timedelta(days=3)
    created = await file(
        http, "grid_worker", hardship_kind="major_illness", noticed_on=noticed.isoformat()
    )
    found = await deadlines(app, created["id"])
    assert sorted(found) == ["ledger_after_hardship", "visit_after_hardship"]
    async with app.state.services.database.sessionmaker() as session:
        one = await add_working_days(session, noticed, 1)
        two = await add_working_days(session, noticed, 2)
    visit, ledger = found["visit_after_hardship"], found["ledger_after_hardship"]
    assert (visit.triggered_on, visit.working_days, visit.due_on) == (noticed, 1, one.day)
    assert (ledger.triggered_on, ledger.working_days, ledger.due_on) == (noticed, 2, two.day)
    assert {visit.region_code, ledger.region_code} == {GRID_A1_1}
    assert visit.household_id is None
    assert visit.done_on is None


async def test_a_report_without_hardship_opens_no_deadline(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    created = await file(http, "community_worker")
    assert await deadlines(app, created["id"]) == {}


async def test_filing_publishes_a_thin_event_and_puts_nothing_in_any_inbox(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    created = await file(http, "grid_worker", urgency="critical")
    events = await fetch(
        app, select(DomainEvent.payload).where(DomainEvent.name == "discovery_report.filed")
    )
    assert events == [
        (
            {
                "discovery_report_id": created["id"],
                "version": 1,
                "status": "submitted",
                "region_code": GRID_A1_1,
                "urgency": "critical",
            },
        )
    ]
    assert await fetch(app, select(InboxItem.id)) == []
    audited = await fetch(
        app,
        select(AuditEvent.object_id, AuditEvent.region_code).where(
            AuditEvent.action == "discovery_report.file"
        ),
    )
    assert audited == [(created["id"], GRID_A1_1)]


async def test_filing_is_idempotent_with_a_key(app: FastAPI, http: httpx.AsyncClient) -> None:
    headers = {**await bearer(http, "community_worker"), "Idempotency-Key": "report-1"}
    first = await http.post(REPORTS, json=report(), headers=headers)
    again = await http.post(REPORTS, json=report(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(await fetch(app, select(DiscoveryReport.id))) == 1


# Duplicates --------------------------------------------------------------------------------


async def test_a_report_with_the_id_number_of_an_active_member_is_a_likely_duplicate(
    http: httpx.AsyncClient, home: Any
) -> None:
    created = await file(
        http, "street_officer", id_number=NUMBER, region_code=GRID_A1_2, address="别处 1 号"
    )
    assert created["likely_duplicate"] == {"household_id": str(home.id)}


async def test_an_id_number_of_another_street_or_of_an_exited_household_is_no_duplicate(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    elsewhere = id_number(birth="1950-01-01", sex="male", seq=42)
    await create_household(
        app,
        region=GRID_B1_1,
        members=[{"name": "陈立", "relation_to_head": "self", "id_number": elsewhere}],
    )
    left = id_number(birth="1951-01-01", sex="male", seq=43)
    gone = await create_household(
        app, members=[{"name": "赵平", "relation_to_head": "self", "id_number": left}]
    )
    assert (await exit_household(http, gone.id)).status_code == 200
    for number in (elsewhere, left):
        created = await file(http, "street_officer", id_number=number, address="别处 2 号")
        assert created["likely_duplicate"] is None


@pytest.mark.parametrize(
    "written",
    [
        HOME,
        "百果园小区３栋２单元５０１",
        "  百果园小区 3栋 2单元501 ",
        "百果园小区\u30003 栋 2 单元 501",
    ],
)
async def test_the_same_address_in_the_same_community_is_a_likely_duplicate(
    http: httpx.AsyncClient, home: Any, written: str
) -> None:
    created = await file(http, "community_worker", region_code=GRID_A1_2, address=written)
    assert created["likely_duplicate"] == {"household_id": str(home.id)}


async def test_the_same_address_in_another_community_is_no_duplicate(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    await create_household(app, region=GRID_B1_1, address=HOME)
    created = await file(http, "street_officer", address=HOME)
    assert created["likely_duplicate"] is None


def _shape(response: httpx.Response) -> tuple[int, list[str], dict[str, Any]]:
    """What a response shows but the report's identity: status, header names, body."""
    body = {k: v for k, v in response.json().items() if k not in VARIABLE}
    names = sorted(k for k in response.headers if k not in ("x-request-id", "content-length"))
    return response.status_code, names, body


async def test_a_grid_worker_cannot_tell_a_duplicate_from_a_fresh_lead(
    app: FastAPI, http: httpx.AsyncClient, home: Any
) -> None:
    """The same lead at the address of an active household and at an address nobody has:
    every answer the grid worker gets (filing, reading, listing) is the same but for the
    report's id and time; the triaging officer sees the match."""
    grid = await bearer(http, "grid_worker")
    same = report(address=HOME)
    fresh = report(address="百果园小区 3 栋 2 单元 502")
    duplicate = await http.post(REPORTS, json=same, headers=grid)
    other = await http.post(REPORTS, json=fresh, headers=grid)
    assert duplicate.status_code == other.status_code == 201
    assert len(duplicate.json()["address"]) == len(other.json()["address"])
    assert _shape(duplicate) == _shape(other)
    assert duplicate.headers["etag"] == other.headers["etag"]
    ids = [duplicate.json()["id"], other.json()["id"]]
    reads = [await http.get(f"{REPORTS}/{i}", headers=grid) for i in ids]
    assert _shape(reads[0]) == _shape(reads[1])
    listed = (await http.get(REPORTS, headers=grid)).json()["items"]
    assert [{k: v for k, v in item.items() if k not in VARIABLE} for item in listed] == [
        _shape(reads[0])[2],
        _shape(reads[1])[2],
    ]
    officer = await bearer(http, "street_officer")
    seen = [(await http.get(f"{REPORTS}/{i}", headers=officer)).json() for i in ids]
    assert seen[0]["likely_duplicate"] == {"household_id": str(home.id)}
    assert seen[1]["likely_duplicate"] is None
    assert (await _stored(app, ids[0])).likely_duplicate_of == home.id
    events = await fetch(
        app, select(DomainEvent.payload).where(DomainEvent.name == "discovery_report.filed")
    )
    assert [{k: v for k, v in e[0].items() if k != "discovery_report_id"} for e in events] == [
        {"version": 1, "status": "submitted", "region_code": GRID_A1_1, "urgency": "routine"}
    ] * 2


# Reading -----------------------------------------------------------------------------------


async def test_the_list_is_scoped_to_the_region_and_a_grid_worker_sees_its_own(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    by_grid = await file(http, "grid_worker")
    by_community = await file(http, "community_worker", region_code=GRID_A1_2)
    by_street_b = await file(http, "street_officer_2", region_code=GRID_B1_1)

    async def listed(username: str, query: str = "") -> list[str]:
        response = await http.get(f"{REPORTS}{query}", headers=await bearer(http, username))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await listed("grid_worker") == [by_grid["id"]]
    assert await listed("community_worker") == [by_grid["id"], by_community["id"]]
    assert await listed("street_officer") == [by_grid["id"], by_community["id"]]
    assert await listed("street_officer_2") == [by_street_b["id"]]
    assert await listed("district_officer") == [
        by_grid["id"],
        by_community["id"],
        by_street_b["id"],
    ]
    assert await listed("community_worker_2") == [by_street_b["id"]]
    assert await listed("auditor") == []
    audited = await fetch(
        app, select(AuditEvent.actor).where(AuditEvent.action == "discovery_report.list.read")
    )
    assert len(audited) == 7


async def test_the_list_filters_by_status_region_and_urgency_page_by_page(
    http: httpx.AsyncClient,
) -> None:
    first = await file(http, "street_officer", urgency="urgent")
    second = await file(http, "street_officer", region_code=GRID_A1_2, urgency="urgent")
    third = await file(http, "street_officer", urgency="routine")
    dismissed = await http.post(
        f"{REPORTS}/{third['id']}/dismiss",
        json={"reason": "not_in_hardship"},
        headers={**await bearer(http, "street_officer"), "If-Match": 'W/"1"'},
    )
    assert dismissed.status_code == 200, dismissed.text
    officer = await bearer(http, "street_officer")

    async def listed(query: str) -> list[str]:
        response = await http.get(f"{REPORTS}?{query}", headers=officer)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await listed("urgency=urgent") == [first["id"], second["id"]]
    assert await listed("status=dismissed") == [third["id"]]
    assert await listed("status=submitted") == [first["id"], second["id"]]
    assert await listed(f"region={GRID_A1_2}") == [second["id"]]
    assert await listed(f"region={COMMUNITY_A1}&urgency=routine") == [third["id"]]
    page = (await http.get(f"{REPORTS}?limit=2", headers=officer)).json()
    assert [i["id"] for i in page["items"]] == [first["id"], second["id"]]
    rest = (
        await http.get(f"{REPORTS}?limit=2&cursor={page['next_cursor']}", headers=officer)
    ).json()
    assert [i["id"] for i in rest["items"]] == [third["id"]]
    assert rest["next_cursor"] is None
    for query, loc in (
        ("status=lost", "status"),
        ("urgency=soon", "urgency"),
        ("region=5", "region"),
    ):
        response = await http.get(f"{REPORTS}?{query}", headers=officer)
        assert_invalid(response, ["query", loc])


async def test_a_report_out_of_reach_is_not_found(app: FastAPI, http: httpx.AsyncClient) -> None:
    created = await file(http, "community_worker")
    for username in ("street_officer_2", "community_worker_2", "grid_worker", "auditor"):
        response = await http.get(
            f"{REPORTS}/{created['id']}", headers=await bearer(http, username)
        )
        assert_problem(response, 404, "not_found")
    unknown = await http.get(
        f"{REPORTS}/{uuid.uuid4()}", headers=await bearer(http, "street_officer")
    )
    assert_problem(unknown, 404, "not_found")
    read = await http.get(
        f"{REPORTS}/{created['id']}", headers=await bearer(http, "street_officer")
    )
    assert read.status_code == 200
    assert read.headers["etag"] == 'W/"1"'
    audited = await fetch(
        app,
        select(AuditEvent.object_type, AuditEvent.object_id, AuditEvent.region_code).where(
            AuditEvent.action == "discovery_report.read"
        ),
    )
    assert audited == [("discovery_report", created["id"], GRID_A1_1)]


@pytest.mark.parametrize("username", ["social_worker", "department_officer", "admin"])
async def test_roles_without_the_permission_are_forbidden(
    http: httpx.AsyncClient, username: str
) -> None:
    headers = await bearer(http, username)
    assert_problem(await http.get(REPORTS, headers=headers), 403, "forbidden")
    assert_problem(await http.post(REPORTS, json=report(), headers=headers), 403, "forbidden")


async def test_district_officers_and_auditors_read_but_do_not_file(
    http: httpx.AsyncClient,
) -> None:
    for username in ("district_officer", "auditor"):
        response = await http.post(REPORTS, json=report(), headers=await bearer(http, username))
        assert_problem(response, 403, "forbidden")


async def test_a_match_is_named_only_to_those_who_reach_the_household(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    """A number active in another community of the street: the street officer sees the
    match; the community worker who filed the lead does not reach that household."""
    number = id_number(birth="1947-02-03", sex="female", seq=44)
    other = await create_household(
        app,
        region="500112001002001",
        members=[{"name": "孙兰", "relation_to_head": "self", "id_number": number}],
    )
    created = await file(http, "community_worker", id_number=number, address="别处 3 号")
    assert created["likely_duplicate"] is None
    officer = await bearer(http, "street_officer")
    seen = (await http.get(f"{REPORTS}/{created['id']}", headers=officer)).json()
    assert seen["likely_duplicate"] == {"household_id": str(other.id)}
    listed = (await http.get(REPORTS, headers=officer)).json()["items"]
    assert listed[0]["likely_duplicate"] == {"household_id": str(other.id)}


async def test_an_auditor_under_a_grant_reads_the_granted_streets_reports_whole(
    app: FastAPI, http: httpx.AsyncClient, home: Any
) -> None:
    in_a = await file(http, "grid_worker", address=HOME)
    await file(http, "street_officer_2", region_code=GRID_B1_1)
    start = datetime.now(UTC) - timedelta(minutes=1)
    granted = await http.post(
        "/api/v1/auditor-grants",
        json={
            "auditor_id": str(await user_id(app, "auditor")),
            "region_code": "500112001",
            "reason": "线索办理情况抽查",
            "valid_from": start.isoformat(),
            "valid_until": (start + timedelta(hours=2)).isoformat(),
        },
        headers=await bearer(http, "district_officer"),
    )
    assert granted.status_code == 201, granted.text
    auditor = await bearer(http, "auditor")
    listed = (await http.get(REPORTS, headers=auditor)).json()["items"]
    assert [item["id"] for item in listed] == [in_a["id"]]
    assert listed[0]["address"] == HOME
    assert listed[0]["likely_duplicate"] == {"household_id": str(home.id)}
    assert listed[0]["allowed_actions"] == []
