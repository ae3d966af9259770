"""No duplicates under concurrency (DOMAIN 4): one ID number, one active membership.

The requests go through the ASGI app at the same time. On PostgreSQL they
really interleave, each in its own transaction and connection: only the
unique indexes (blind index per person, person per active membership) and
the savepoint in members.py keep the rule, and every loser must get the
same 409 a sequential duplicate gets, never a 500. On SQLite writers are
serialised by the database lock, which the same assertions must survive.
"""

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.households.models import Household, Membership, Person
from tests.api.households.ledger_http import bearer, fetch, member
from tests.factories import GRID_A1_1, create_demo_district, create_household, id_number
from tests.problems import assert_problem

CONCURRENT = 8
REGIONS = ("500112001001001", "500112001001002", "500112001002001", "500112001002002")


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _households(app: FastAPI, count: int) -> list[Any]:
    return [
        await create_household(app, region=REGIONS[index % len(REGIONS)]) for index in range(count)
    ]


async def _person_ids(app: FastAPI, number: str) -> list[uuid.UUID]:
    index = app.state.services.vault.index(number)
    return [
        row[0] for row in await fetch(app, select(Person.id).where(Person.id_number_index == index))
    ]


async def _active_memberships(app: FastAPI, person_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await fetch(
        app,
        select(Membership.household_id).where(
            Membership.person_id == person_id, Membership.active.is_(True)
        ),
    )
    return [row[0] for row in rows]


def _split(responses: list[httpx.Response]) -> tuple[httpx.Response, list[httpx.Response]]:
    """The one success and the losers; fails unless exactly one request succeeded."""
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (len(responses) - 1), [r.text for r in responses]
    [winner] = [r for r in responses if r.status_code == 201]
    return winner, [r for r in responses if r.status_code != 201]


async def test_concurrent_adds_of_one_new_id_number_leave_one_membership(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    homes = await _households(app, CONCURRENT)
    headers = await bearer(anonymous, "street_officer")
    number = id_number()
    responses = await asyncio.gather(
        *(
            anonymous.post(
                f"/api/v1/households/{home.id}/members",
                json=member(id_number=number),
                headers=headers,
            )
            for home in homes
        )
    )
    winner, losers = _split(list(responses))
    person_id = uuid.UUID(winner.json()["person_id"])
    winning_household = winner.headers["location"].split("/")[4]
    for loser in losers:
        body = assert_problem(loser, 409, "person_already_in_household")
        assert body["household_id"] == winning_household
    assert await _person_ids(app, number) == [person_id]
    assert await _active_memberships(app, person_id) == [uuid.UUID(winning_household)]


async def test_concurrent_adds_of_a_known_person_leave_one_membership(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    """A person who left a household exists already: here the membership index decides."""
    number = id_number()
    former = await create_household(
        app, members=[{"name": "张秀英", "relation_to_head": "self", "id_number": number}]
    )
    headers = await bearer(anonymous, "street_officer")
    left = await anonymous.delete(
        f"/api/v1/households/{former.id}/members/{former.head_person_id}?reason=moved_out",
        headers=headers,
    )
    assert left.status_code == 204
    homes = await _households(app, CONCURRENT)
    responses = await asyncio.gather(
        *(
            anonymous.post(
                f"/api/v1/households/{home.id}/members",
                json=member(id_number=number),
                headers=headers,
            )
            for home in homes
        )
    )
    winner, losers = _split(list(responses))
    assert winner.json()["person_id"] == str(former.head_person_id)
    for loser in losers:
        assert_problem(loser, 409, "person_already_in_household")
    assert await _person_ids(app, number) == [former.head_person_id]
    assert await _active_memberships(app, former.head_person_id) == [
        uuid.UUID(winner.headers["location"].split("/")[4])
    ]


async def test_concurrent_creations_with_one_id_number_leave_one_household(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    headers = await bearer(anonymous, "street_officer")
    number = id_number()
    marker = uuid.uuid4().hex[:8]
    responses = await asyncio.gather(
        *(
            anonymous.post(
                "/api/v1/households",
                json={
                    "region_code": GRID_A1_1,
                    "address": f"并发测试 {marker} {index} 号",
                    "members": [member("self", id_number=number)],
                },
                headers=headers,
            )
            for index in range(CONCURRENT)
        )
    )
    winner, losers = _split(list(responses))
    created = winner.json()
    for loser in losers:
        body = assert_problem(loser, 409, "person_already_in_household")
        assert body["household_id"] == created["id"]
    [person_id] = await _person_ids(app, number)
    assert str(person_id) == created["head_person_id"]
    assert await _active_memberships(app, person_id) == [uuid.UUID(created["id"])]
    households = await fetch(
        app,
        select(func.count()).select_from(Household).where(Household.address.contains(marker)),
    )
    assert households == [(1,)]
