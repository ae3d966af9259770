"""Moving a person between households (DOMAIN 4, 人随户走): one transaction, history on both sides."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.households.record import repository
from tests.api.households.ledger_http import (
    bearer,
    exit_household,
    fetch,
    history,
    household,
    memberships,
)
from tests.factories import (
    GRID_A1_1,
    GRID_A1_2,
    GRID_B1_1,
    create_demo_district,
    create_household,
)
from tests.problems import assert_invalid, assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


async def _family(app: FastAPI, region: str = "500112001001001") -> tuple[Any, str]:
    """A household of a head and a spouse with a category of her own; returns it and her id."""
    home = await create_household(
        app,
        region=region,
        members=[
            {"name": "张秀英", "relation_to_head": "self"},
            {
                "name": "王芳",
                "relation_to_head": "spouse",
                "categories": [{"category": "severe_disability"}],
            },
        ],
    )
    async with app.state.services.database.sessionmaker() as session:
        rows = await repository.members(session, home.id)
    [spouse] = [p.id for m, p in rows if m.relation_to_head == "spouse"]
    return home, str(spouse)


async def _transfer(
    http: httpx.AsyncClient, headers: dict[str, str], person_id: Any, source: Any, **body: Any
) -> httpx.Response:
    """Move `person_id` from the household `source` (an id, or a household with one)."""
    return await http.post(
        f"/api/v1/persons/{person_id}/transfer",
        json={
            "relation_to_head": "spouse",
            **body,
            "from_household_id": str(getattr(source, "id", source)),
            "to_household_id": str(body["to_household_id"]),
        },
        headers=headers,
    )


async def test_a_member_moves_with_history_on_both_sides(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, spouse = await _family(app)
    target = await create_household(app, region=GRID_A1_2)
    before = {
        h.id: (await household(anonymous, officer, h.id))["version"] for h in (source, target)
    }
    response = await _transfer(
        anonymous,
        officer,
        spouse,
        source,
        to_household_id=target.id,
        relation_to_head="child_in_law",
    )
    assert response.status_code == 200, response.text
    moved = response.json()
    assert (moved["person_id"], moved["name"], moved["relation_to_head"], moved["is_head"]) == (
        spouse,
        "王芳",
        "child_in_law",
        False,
    )
    old, new = await memberships(app, uuid.UUID(spouse))
    assert (old.household_id, old.active, old.left_reason, old.left_on) == (
        source.id,
        False,
        "transferred",
        business_today(),
    )
    assert (new.household_id, new.active, new.relation_to_head, new.region_code) == (
        target.id,
        True,
        "child_in_law",
        GRID_A1_2,
    )
    old_home = await household(anonymous, officer, source.id)
    new_home = await household(anonymous, officer, target.id)
    assert [m["name"] for m in old_home["members"]] == ["张秀英"]
    assert [m["person_id"] for m in new_home["members"]] == [str(target.head_person_id), spouse]
    assert old_home["categories"] == []
    assert [(c["category"], c["person_id"]) for c in new_home["categories"]] == [
        ("severe_disability", spouse)
    ]
    assert old_home["version"] == before[source.id] + 1
    assert new_home["version"] == before[target.id] + 1
    assert (old_home["head_person_id"], old_home["attention"]) == (str(source.head_person_id), None)
    out = (await history(anonymous, officer, source.id))[-1]
    assert (out["action"], out["person_id"], out["changes"]) == (
        "member.transfer_out",
        spouse,
        {"left_reason": {"before": None, "after": "transferred"}},
    )
    into = (await history(anonymous, officer, target.id))[-1]
    assert (into["action"], into["person_id"], into["changes"]) == (
        "member.transfer_in",
        spouse,
        {
            "from_household_id": {"before": None, "after": str(source.id)},
            "relation_to_head": {"before": None, "after": "child_in_law"},
        },
    )
    events = await fetch(
        app,
        select(AuditEvent.object_id, AuditEvent.region_code).where(
            AuditEvent.action == "person.transfer"
        ),
    )
    assert events == [(spouse, GRID_A1_2)]


async def test_a_head_who_moves_hands_over_to_the_member_named(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, spouse = await _family(app)
    target = await create_household(app, region=GRID_A1_2)
    head = str(source.head_person_id)
    response = await _transfer(
        anonymous,
        officer,
        head,
        source,
        to_household_id=target.id,
        relation_to_head="parent",
        new_head_person_id=spouse,
    )
    assert response.status_code == 200, response.text
    old_home = await household(anonymous, officer, source.id)
    assert (old_home["head_person_id"], old_home["attention"]) == (spouse, None)
    assert [(m["is_head"], m["relation_to_head"]) for m in old_home["members"]] == [(True, "self")]
    actions = [(e["action"], e["changes"]) for e in await history(anonymous, officer, source.id)]
    assert actions[-3:] == [
        (
            "member.transfer_out",
            {
                "left_reason": {"before": None, "after": "transferred"},
                "head_person_id": {"before": head, "after": None},
            },
        ),
        ("member.update", {"relation_to_head": {"before": "spouse", "after": "self"}}),
        ("household.update", {"head_person_id": {"before": head, "after": spouse}}),
    ]


async def test_a_head_who_moves_without_a_successor_leaves_the_household_flagged(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, _ = await _family(app)
    target = await create_household(app, region=GRID_A1_2)
    response = await _transfer(
        anonymous, officer, source.head_person_id, source, to_household_id=target.id
    )
    assert response.status_code == 200, response.text
    old_home = await household(anonymous, officer, source.id)
    assert (old_home["head_person_id"], old_home["attention"]) == (None, "head_left")
    assert "head" in old_home["missing_fields"]


async def test_the_new_head_must_be_another_member_of_the_old_household(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, spouse = await _family(app)
    target = await create_household(app, region=GRID_A1_2)
    stranger = await _transfer(
        anonymous,
        officer,
        source.head_person_id,
        source,
        to_household_id=target.id,
        new_head_person_id=str(target.head_person_id),
    )
    assert_invalid(stranger, ["body", "new_head_person_id"], "not_a_member")
    themselves = await _transfer(
        anonymous,
        officer,
        source.head_person_id,
        source,
        to_household_id=target.id,
        new_head_person_id=str(source.head_person_id),
    )
    assert_invalid(themselves, ["body", "new_head_person_id"], "not_a_member")
    not_head = await _transfer(
        anonymous,
        officer,
        spouse,
        source,
        to_household_id=target.id,
        new_head_person_id=str(source.head_person_id),
    )
    assert_invalid(not_head, ["body", "new_head_person_id"], "not_the_head")
    assert [m.household_id for m in await memberships(app, source.head_person_id)] == [source.id]


async def test_a_target_out_of_scope_is_not_found_and_nothing_changes(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, spouse = await _family(app)
    elsewhere = await create_household(app, region=GRID_B1_1)
    version = (await household(anonymous, officer, source.id))["version"]
    response = await _transfer(anonymous, officer, spouse, source, to_household_id=elsewhere.id)
    assert_problem(response, 404, "not_found")
    [membership] = await memberships(app, uuid.UUID(spouse))
    assert (membership.household_id, membership.active) == (source.id, True)
    old_home = await household(anonymous, officer, source.id)
    assert old_home["version"] == version
    assert len(old_home["categories"]) == 1
    officer_b = await bearer(anonymous, "street_officer_2")
    assert len((await household(anonymous, officer_b, elsewhere.id))["members"]) == 1


async def test_a_person_out_of_scope_is_not_found(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    source, spouse = await _family(app)
    target = await create_household(app, region=GRID_B1_1)
    officer_b = await bearer(anonymous, "street_officer_2")
    response = await _transfer(anonymous, officer_b, spouse, source, to_household_id=target.id)
    assert_problem(response, 404, "not_found")
    unknown = await _transfer(
        anonymous, officer_b, uuid.uuid4(), uuid.uuid4(), to_household_id=target.id
    )
    assert_problem(unknown, 404, "not_found")


async def test_an_exited_target_refuses_the_transfer(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, spouse = await _family(app)
    target = await create_household(app, region=GRID_A1_2)
    exited = await exit_household(anonymous, target.id, "moved_out")
    assert exited.status_code == 200, exited.text
    response = await _transfer(anonymous, officer, spouse, source, to_household_id=target.id)
    body = assert_problem(response, 409, "household_exited")
    assert body["household_id"] == str(target.id)
    [membership] = await memberships(app, uuid.UUID(spouse))
    assert membership.household_id == source.id


async def test_moving_into_the_same_household_is_refused(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, spouse = await _family(app)
    response = await _transfer(anonymous, officer, spouse, source, to_household_id=source.id)
    assert_invalid(response, ["body", "to_household_id"], "same_household")


async def test_a_second_head_is_refused_and_a_headless_household_takes_one(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, spouse = await _family(app)
    target = await create_household(app, region=GRID_A1_2)
    refused = await _transfer(
        anonymous, officer, spouse, source, to_household_id=target.id, relation_to_head="self"
    )
    assert_invalid(refused, ["body", "relation_to_head"], "head_exists")
    emptied = await anonymous.delete(
        f"/api/v1/households/{target.id}/members/{target.head_person_id}?reason=deceased",
        headers=officer,
    )
    assert emptied.status_code == 204
    assert (await household(anonymous, officer, target.id))["attention"] == "no_members"
    moved = await _transfer(
        anonymous, officer, spouse, source, to_household_id=target.id, relation_to_head="self"
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["is_head"] is True
    new_home = await household(anonymous, officer, target.id)
    assert (new_home["head_person_id"], new_home["attention"]) == (spouse, None)


async def test_a_person_no_longer_in_the_household_given_is_a_409_with_where_they_are(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    source, spouse = await _family(app)
    first, second = [await create_household(app, region=GRID_A1_2) for _ in range(2)]
    moved = await _transfer(anonymous, officer, spouse, source, to_household_id=first.id)
    assert moved.status_code == 200, moved.text
    again = await _transfer(anonymous, officer, spouse, source, to_household_id=second.id)
    body = assert_problem(again, 409, "person_moved")
    assert (body["household_id"], body["region_code"]) == (str(first.id), GRID_A1_2)
    never = await _transfer(
        anonymous, officer, second.head_person_id, source, to_household_id=first.id
    )
    assert_problem(never, 404, "not_found")


async def test_where_a_person_moved_out_of_reach_is_not_told(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    source, spouse = await _family(app)
    elsewhere = await create_household(app, region=GRID_B1_1)
    district = await bearer(anonymous, "district_officer")
    across = await _transfer(anonymous, district, spouse, source, to_household_id=elsewhere.id)
    assert across.status_code == 200, across.text
    assert (await household(anonymous, district, elsewhere.id))["members"][1]["person_id"] == spouse
    target = await create_household(app, region=GRID_A1_2)
    officer = await bearer(anonymous, "street_officer")
    response = await _transfer(anonymous, officer, spouse, source, to_household_id=target.id)
    body = assert_problem(response, 409, "person_moved")
    assert (body["household_id"], body["region_code"]) == (None, None)


async def test_concurrent_transfers_of_one_person_leave_one_winner_and_a_409(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    """The same race answers the same on both databases: the loser is told where the
    person went (PostgreSQL: it waits for the winner's locks; SQLite: it runs after it)."""
    source, spouse = await _family(app)
    targets = [await create_household(app, region=GRID_A1_2) for _ in range(2)]
    responses = await asyncio.gather(
        *(
            _transfer(anonymous, officer, spouse, source, to_household_id=target.id)
            for target in targets
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    [winner] = [r for r in responses if r.status_code == 200]
    [loser] = [r for r in responses if r.status_code == 409]
    body = assert_problem(loser, 409, "person_moved")
    went_to = next(t for t in targets if t.id == uuid.UUID(body["household_id"]))
    assert winner.json()["person_id"] == spouse
    old, new = await memberships(app, uuid.UUID(spouse))
    assert (old.household_id, old.active, new.household_id, new.active) == (
        source.id,
        False,
        went_to.id,
        True,
    )
    outs = [e for e in await history(anonymous, officer, source.id) if e["person_id"] == spouse]
    assert [e["action"] for e in outs] == ["member.add", "member.transfer_out"]


async def test_opposite_concurrent_transfers_both_succeed(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    """Each locks both households in id order, then the person: no deadlock."""
    first, first_spouse = await _family(app)
    second, second_spouse = await _family(app, region=GRID_A1_2)
    responses = await asyncio.gather(
        _transfer(anonymous, officer, first_spouse, first, to_household_id=second.id),
        _transfer(anonymous, officer, second_spouse, second, to_household_id=first.id),
    )
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    assert [m.household_id for m in await memberships(app, uuid.UUID(first_spouse))] == [
        first.id,
        second.id,
    ]
    assert [m.household_id for m in await memberships(app, uuid.UUID(second_spouse))] == [
        second.id,
        first.id,
    ]


async def test_a_district_officer_moves_a_person_across_streets(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    """Street officers reach their own street only; the district reaches every street."""
    source, spouse = await _family(app)
    elsewhere = await create_household(app, region=GRID_B1_1)
    refused = await _transfer(anonymous, officer, spouse, source, to_household_id=elsewhere.id)
    assert_problem(refused, 404, "not_found")
    district = await bearer(anonymous, "district_officer")
    response = await _transfer(
        anonymous, district, spouse, source, to_household_id=elsewhere.id, relation_to_head="other"
    )
    assert response.status_code == 200, response.text
    assert (response.json()["person_id"], response.json()["relation_to_head"]) == (spouse, "other")
    old, new = await memberships(app, uuid.UUID(spouse))
    assert (old.household_id, old.active, new.household_id, new.region_code) == (
        source.id,
        False,
        elsewhere.id,
        GRID_B1_1,
    )
    officer_b = await bearer(anonymous, "street_officer_2")
    into = (await history(anonymous, officer_b, elsewhere.id))[-1]
    out = (await history(anonymous, officer, source.id))[-1]
    assert (into["action"], into["actor_role"], out["action"], out["actor_role"]) == (
        "member.transfer_in",
        "district_officer",
        "member.transfer_out",
        "district_officer",
    )


async def test_a_grid_worker_moves_no_one(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    source, spouse = await _family(app)
    target = await create_household(app, region=GRID_A1_1)
    grid = await bearer(anonymous, "grid_worker")
    response = await _transfer(anonymous, grid, spouse, source, to_household_id=target.id)
    assert_problem(response, 403, "forbidden")
    [membership] = await memberships(app, uuid.UUID(spouse))
    assert membership.household_id == source.id


async def test_an_exited_source_lets_its_people_move_out(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    """They live on elsewhere: a household that left the ledger keeps no one in it."""
    source, spouse = await _family(app)
    target = await create_household(app, region=GRID_A1_2)
    exited = await exit_household(anonymous, source.id, "moved_out")
    assert exited.status_code == 200, exited.text
    response = await _transfer(anonymous, officer, spouse, source, to_household_id=target.id)
    assert response.status_code == 200, response.text
    active = [m for m in await memberships(app, uuid.UUID(spouse)) if m.active]
    assert [m.household_id for m in active] == [target.id]
