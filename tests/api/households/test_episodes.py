"""Leaving and re-entering the ledger (Beijing 5, 有进有出): an exit is proposed on a follow-up
visit or re-check and confirmed by the street; every stay is an episode row."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from tests.api.households.ledger_http import (
    bearer,
    history,
    household,
    member,
    organization_id,
    user_id,
)
from tests.factories import (
    GRID_B1_1,
    add_dictionary_code,
    assign_household,
    create_demo_district,
    create_household,
)
from tests.problems import assert_invalid, assert_problem

TODAY = business_today()
BASIS = {"code": "follow_up_visit", "on": TODAY.isoformat(), "note": "入户回访：两人在岗。"}


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


@pytest.fixture
async def community(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "community_worker")


async def _propose(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, **body: Any
) -> httpx.Response:
    return await http.post(
        f"/api/v1/households/{hid}/exit-proposals",
        json={"reason": "out_of_hardship", "basis": BASIS, **body},
        headers=headers,
    )


async def _decide(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, pid: Any, verb: str, **body: Any
) -> httpx.Response:
    return await http.post(
        f"/api/v1/households/{hid}/exit-proposals/{pid}/{verb}",
        json=body or None,
        headers=headers,
    )


async def _exit(
    http: httpx.AsyncClient,
    proposer: dict[str, str],
    officer: dict[str, str],
    hid: Any,
    **body: Any,
) -> dict[str, Any]:
    proposed = await _propose(http, proposer, hid, **body)
    assert proposed.status_code == 201, proposed.text
    confirmed = await _decide(http, officer, hid, proposed.json()["id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text
    result: dict[str, Any] = confirmed.json()
    return result


async def _reenter(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, **body: Any
) -> httpx.Response:
    return await http.post(
        f"/api/v1/households/{hid}/reentry",
        json={"reason": "hardship_again", **body},
        headers=headers,
    )


async def _episodes(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any
) -> list[dict[str, Any]]:
    response = await http.get(f"/api/v1/households/{hid}/episodes", headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_proposal_waits_for_the_street_and_its_confirmation_ends_the_stay(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], community: dict[str, str]
) -> None:
    home = await create_household(app, region="500112001001002")
    await assign_household(app, home.id)
    grid_worker = str(await user_id(app, "grid_worker"))
    paired = await anonymous.put(
        f"/api/v1/households/{home.id}/paired-worker",
        json={"worker_id": grid_worker},
        # The assignment was one change already.
        headers={**officer, "If-Match": f'W/"{home.version + 1}"'},
    )
    assert paired.status_code == 200, paired.text
    proposed = await _propose(anonymous, community, home.id, note="家庭成员已稳定就业。")
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    assert proposed.headers["location"] == (
        f"/api/v1/households/{home.id}/exit-proposals/{proposal['id']}"
    )
    assert (proposal["status"], proposal["reason"], proposal["exit_on"]) == (
        "proposed",
        "out_of_hardship",
        TODAY.isoformat(),
    )
    assert proposal["basis"] == BASIS
    assert proposal["proposed_by"] == str(await user_id(app, "community_worker"))
    assert (await household(anonymous, officer, home.id))["status"] == "active"
    again = await _propose(anonymous, officer, home.id)
    assert assert_problem(again, 409, "invalid_transition")["allowed"] == [
        "confirm_exit",
        "reject_exit",
    ]
    assert_problem(
        await _decide(anonymous, community, home.id, proposal["id"], "confirm"), 403, "forbidden"
    )
    confirmed = await _decide(anonymous, officer, home.id, proposal["id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert (body["status"], body["exit_reason"], body["exit_note"], body["exited_on"]) == (
        "exited",
        "out_of_hardship",
        "家庭成员已稳定就业。",
        TODAY.isoformat(),
    )
    assert body["paired_worker"] is None
    assert confirmed.headers["etag"] == f'W/"{body["version"]}"'
    assignments = await anonymous.get(f"/api/v1/households/{home.id}/assignments", headers=officer)
    assert [a["active"] for a in assignments.json()["items"]] == [False]
    actions = [e["action"] for e in await history(anonymous, officer, home.id)]
    assert actions[-4:] == [
        "household.exit_propose",
        "household.unassign",
        "household.pair",
        "household.exit",
    ]
    [episode] = await _episodes(anonymous, officer, home.id)
    assert episode == {
        "id": episode["id"],
        "household_id": str(home.id),
        "entered_on": TODAY.isoformat(),
        "entry_reason": "first_registration",
        "entry_note": None,
        "entered_by": str(await user_id(app, "street_officer")),
        "exited_on": TODAY.isoformat(),
        "exit_reason": "out_of_hardship",
        "exit_note": "家庭成员已稳定就业。",
        "exit_proposal_id": proposal["id"],
        "exit_basis": BASIS,
        "proposed_by": str(await user_id(app, "community_worker")),
        "confirmed_by": str(await user_id(app, "street_officer")),
    }
    twice = await _decide(anonymous, officer, home.id, proposal["id"], "confirm")
    assert assert_problem(twice, 409, "invalid_transition")["allowed"] == []
    listed = await anonymous.get(f"/api/v1/households/{home.id}/exit-proposals", headers=officer)
    assert [(p["id"], p["status"]) for p in listed.json()["items"]] == [
        (proposal["id"], "confirmed")
    ]


async def test_a_rejected_proposal_leaves_the_household_in_the_ledger(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], community: dict[str, str]
) -> None:
    home = await create_household(app)
    proposal = (await _propose(anonymous, community, home.id)).json()
    blank = await _decide(anonymous, officer, home.id, proposal["id"], "reject", reason="")
    assert_invalid(blank, ["body", "reason"])
    rejected = await _decide(
        anonymous, officer, home.id, proposal["id"], "reject", reason="回访记录不完整"
    )
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["rejection_reason"]) == (
        "rejected",
        "回访记录不完整",
    )
    assert rejected.json()["decided_by"] == str(await user_id(app, "street_officer"))
    assert (await household(anonymous, officer, home.id))["status"] == "active"
    late = await _decide(anonymous, officer, home.id, proposal["id"], "confirm")
    assert assert_problem(late, 409, "invalid_transition")["allowed"] == []
    assert (await _propose(anonymous, community, home.id)).status_code == 201
    [episode] = await _episodes(anonymous, officer, home.id)
    assert episode["exited_on"] is None


async def test_exit_reentry_and_exit_again_keep_three_stays(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], session: AsyncSession
) -> None:
    home = await create_household(app)
    active = await _reenter(anonymous, officer, home.id)
    assert assert_problem(active, 409, "invalid_transition")["allowed"] == ["propose_exit"]
    await _exit(anonymous, officer, officer, home.id, reason="no_longer_eligible", note="收入超标")
    assert_invalid(
        await _reenter(anonymous, officer, home.id, reason="first_registration"),
        ["body", "reason"],
        "not_allowed",
    )
    assert_invalid(
        await _reenter(anonymous, officer, home.id, reason="got_poor"),
        ["body", "reason"],
        "unknown_code",
    )
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert_invalid(
        await _reenter(anonymous, officer, home.id, entered_on=yesterday),
        ["body", "entered_on"],
        "too_early",
    )
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert_invalid(
        await _reenter(anonymous, officer, home.id, entered_on=tomorrow),
        ["body", "entered_on"],
        "date_in_future",
    )
    back = await _reenter(anonymous, officer, home.id, note="复核发现再次陷入困境。")
    assert back.status_code == 200, back.text
    assert (back.json()["status"], back.json()["exit_reason"], back.json()["exited_on"]) == (
        "active",
        None,
        None,
    )
    assert back.headers["etag"] == f'W/"{back.json()["version"]}"'
    entry = (await history(anonymous, officer, home.id))[-1]
    assert entry["action"] == "household.reenter"
    assert entry["changes"]["entry_reason"] == {"before": None, "after": "hardship_again"}
    assert entry["changes"]["status"] == {"before": "exited", "after": "active"}
    local = await add_dictionary_code(
        session, "exit_reason", label_zh="户籍迁往外省", label_en="Hukou moved away"
    )
    await _exit(anonymous, officer, officer, home.id, reason=local)
    stays = await _episodes(anonymous, officer, home.id)
    assert [(s["entry_reason"], s["exit_reason"]) for s in stays] == [
        ("hardship_again", local),
        ("first_registration", "no_longer_eligible"),
    ]
    third = await _reenter(anonymous, officer, home.id, reason="recheck_found_eligible")
    assert third.status_code == 200, third.text
    stays = await _episodes(anonymous, officer, home.id)
    assert (stays[0]["entry_reason"], stays[0]["exited_on"]) == (
        "recheck_found_eligible",
        None,
    )
    assert len(stays) == 3


async def test_an_exited_household_refuses_members_transfers_in_measures_plans_and_assignments(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    other = await create_household(
        app,
        members=[
            {"name": "李四", "relation_to_head": "self"},
            {"name": "李小", "relation_to_head": "child"},
        ],
    )
    await _exit(anonymous, officer, officer, home.id)
    base = f"/api/v1/households/{home.id}"
    added = await anonymous.post(f"{base}/members", json=member("child"), headers=officer)
    assert assert_problem(added, 409, "household_exited")["household_id"] == str(home.id)
    [child] = [
        m
        for m in (await household(anonymous, officer, other.id))["members"]
        if m["relation_to_head"] == "child"
    ]
    moved = await anonymous.post(
        f"/api/v1/persons/{child['person_id']}/transfer",
        json={
            "from_household_id": str(other.id),
            "to_household_id": str(home.id),
            "relation_to_head": "child",
        },
        headers=officer,
    )
    assert_problem(moved, 409, "household_exited")
    measure = {
        "code": "visit",
        "given_on": TODAY.isoformat(),
        "organization_id": str(await organization_id(app, "渝北区慈善会")),
    }
    assert_problem(
        await anonymous.post(f"{base}/measures", json=measure, headers=officer),
        409,
        "household_exited",
    )
    plan = await anonymous.put(f"{base}/plan", json={"goals": "x"}, headers=officer)
    assert_problem(plan, 409, "household_exited")
    agency = str(await organization_id(app, "渝北区同心社会工作服务中心"))
    assigned = await anonymous.post(
        f"{base}/assignments", json={"agency_id": agency}, headers=officer
    )
    assert_problem(assigned, 409, "household_exited")
    proposed = await _propose(anonymous, officer, home.id)
    assert assert_problem(proposed, 409, "invalid_transition")["allowed"] == ["reenter"]
    record = await household(anonymous, officer, home.id)
    assert [m["name"] for m in record["members"]] == ["张秀英"]


async def test_a_person_may_move_out_of_an_exited_household(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    """Its people live on: they are entered elsewhere by a transfer out (人随户走)."""
    home = await create_household(
        app,
        members=[
            {"name": "张秀英", "relation_to_head": "self"},
            {"name": "王芳", "relation_to_head": "spouse"},
        ],
    )
    target = await create_household(app)
    await _exit(anonymous, officer, officer, home.id, reason="moved_out")
    [spouse] = [
        m
        for m in (await household(anonymous, officer, home.id))["members"]
        if m["relation_to_head"] == "spouse"
    ]
    moved = await anonymous.post(
        f"/api/v1/persons/{spouse['person_id']}/transfer",
        json={
            "from_household_id": str(home.id),
            "to_household_id": str(target.id),
            "relation_to_head": "spouse",
        },
        headers=officer,
    )
    assert moved.status_code == 200, moved.text


async def test_a_proposal_rests_on_a_basis_and_its_days_are_checked(
    app: FastAPI, anonymous: httpx.AsyncClient, community: dict[str, str], session: AsyncSession
) -> None:
    home = await create_household(app)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    cases = [
        ({"reason": "got_rich"}, ["body", "reason"], "unknown_code"),
        # A fixed table: the schema's enum refuses it (its error code is the schema's).
        ({"basis": {**BASIS, "code": "rumour"}}, ["body", "basis", "code"], None),
        ({"basis": {**BASIS, "on": tomorrow}}, ["body", "basis", "on"], "date_in_future"),
        ({"exit_on": tomorrow}, ["body", "exit_on"], "date_in_future"),
        # The household entered the ledger today: it cannot have left before.
        ({"exit_on": yesterday}, ["body", "exit_on"], "too_early"),
    ]
    for fields, loc, code in cases:
        assert_invalid(await _propose(anonymous, community, home.id, **fields), loc, code)
    no_basis = await anonymous.post(
        f"/api/v1/households/{home.id}/exit-proposals",
        json={"reason": "deceased"},
        headers=community,
    )
    assert_invalid(no_basis, ["body", "basis"])
    recheck = await _propose(
        anonymous, community, home.id, basis={"code": "information_recheck", "on": yesterday}
    )
    assert recheck.status_code == 201, recheck.text
    assert recheck.json()["basis"] == {"code": "information_recheck", "on": yesterday, "note": None}


@pytest.mark.parametrize("username", ["grid_worker", "social_worker", "district_officer"])
async def test_only_street_officers_and_community_workers_propose(
    app: FastAPI, anonymous: httpx.AsyncClient, username: str
) -> None:
    home = await create_household(app)
    headers = await bearer(anonymous, username)
    assert_problem(await _propose(anonymous, headers, home.id), 403, "forbidden")
    assert_problem(await _reenter(anonymous, headers, home.id), 403, "forbidden")


async def test_workers_and_officers_act_in_their_own_reach_only(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], community: dict[str, str]
) -> None:
    outside_community = await create_household(app, region="500112001002001")
    assert_problem(await _propose(anonymous, community, outside_community.id), 404, "not_found")
    other_street = await create_household(app, region=GRID_B1_1)
    neighbour = await bearer(anonymous, "street_officer_2")
    proposal = (await _propose(anonymous, neighbour, other_street.id)).json()
    refused = await _decide(anonymous, officer, other_street.id, proposal["id"], "confirm")
    assert_problem(refused, 404, "not_found")
    assert (await household(anonymous, neighbour, other_street.id))["status"] == "active"
