"""A household-owned route answers a foreign id exactly as it answers a random one (issue 12).

Every endpoint checks visibility first: an answer that differs for a
household, member or assignment that exists out of the caller's reach and
for an id that exists nowhere would tell the caller what exists elsewhere
(an oracle). Each route of the app with a household, person or assignment
id in its path is called by a street officer of the neighbouring street and
by a grid worker, with real ids of another street's (or grid's) household
and with random ids, and the whole answers must be the same: status,
problem body (but its request-specific `instance` and `request_id`) and
headers. A route added without an entry in `ROUTES` fails the walk.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.households.models import TargetTypeDecision
from app.households.record import repository
from tests.api.households.ledger_http import bearer, member, organization_id, user_id
from tests.factories import (
    GRID_A1_1,
    GRID_A1_2,
    GRID_B1_1,
    assign_household,
    create_demo_district,
    create_household,
)
from tests.problems import comparable

AGENCY = "渝北区同心社会工作服务中心"
PATH_IDS = ("{household_id}", "{person_id}", "{assignment_id}", "{decision_id}")


@dataclass(frozen=True)
class Ids:
    """The ids one request names: in its path and in its body."""

    household: uuid.UUID
    """The household of the path, and a transfer's `from_household_id`."""
    person: uuid.UUID
    assignment: uuid.UUID
    target: uuid.UUID
    """A transfer's `to_household_id`."""
    decision: uuid.UUID


@dataclass(frozen=True)
class Known:
    """Ids the bodies need that are neither foreign nor random."""

    agency: uuid.UUID
    grid_worker: uuid.UUID


Body = Callable[[Ids, Known], dict[str, Any] | None]
FOREIGN_HOUSEHOLD = "foreign household"
FOREIGN_IN_OWN = "foreign person or assignment in one's own household"
FOREIGN_TARGET = "foreign household to move into"
INTO_THEIR_OWN = "foreign person into their own household"
SAME_HOUSEHOLD = "foreign person from and to their own household"


@dataclass(frozen=True)
class Route:
    body: Body = lambda ids, known: None
    params: dict[str, str] = field(default_factory=dict)
    if_match: bool = False
    variants: tuple[str, ...] = (FOREIGN_HOUSEHOLD,)


def _items(ids: Ids, known: Known) -> dict[str, Any]:
    return {"items": []}


MONTHS = {"from": "2026-01", "to": "2026-03"}
WITH_PERSON = (FOREIGN_HOUSEHOLD, FOREIGN_IN_OWN)
ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/households/{household_id}"): Route(),
    ("PATCH", "/api/v1/households/{household_id}"): Route(
        lambda ids, known: {"address": "新地址 1 号"}, if_match=True
    ),
    ("GET", "/api/v1/households/{household_id}/history"): Route(),
    ("GET", "/api/v1/households/{household_id}/members"): Route(),
    ("POST", "/api/v1/households/{household_id}/members"): Route(
        lambda ids, known: member("child")
    ),
    ("PATCH", "/api/v1/households/{household_id}/members/{person_id}"): Route(
        lambda ids, known: {"phone": "13800000000"}, if_match=True, variants=WITH_PERSON
    ),
    ("PATCH", "/api/v1/households/{household_id}/members/{person_id}/membership"): Route(
        lambda ids, known: {"joined_on": "2019-03-01", "reason": "户口簿"},
        if_match=True,
        variants=WITH_PERSON,
    ),
    ("DELETE", "/api/v1/households/{household_id}/members/{person_id}"): Route(
        params={"reason": "moved_out"}, variants=WITH_PERSON
    ),
    ("POST", "/api/v1/persons/{person_id}/transfer"): Route(
        lambda ids, known: {
            "from_household_id": str(ids.household),
            "to_household_id": str(ids.target),
            "relation_to_head": "child",
        },
        variants=(
            FOREIGN_HOUSEHOLD,
            FOREIGN_IN_OWN,
            FOREIGN_TARGET,
            INTO_THEIR_OWN,
            SAME_HOUSEHOLD,
        ),
    ),
    ("GET", "/api/v1/households/{household_id}/assignments"): Route(),
    ("POST", "/api/v1/households/{household_id}/assignments"): Route(
        lambda ids, known: {"agency_id": str(known.agency), "social_worker_id": None}
    ),
    ("DELETE", "/api/v1/households/{household_id}/assignments/{assignment_id}"): Route(
        variants=WITH_PERSON
    ),
    ("PUT", "/api/v1/households/{household_id}/paired-worker"): Route(
        lambda ids, known: {"worker_id": str(known.grid_worker)}, if_match=True
    ),
    ("GET", "/api/v1/households/{household_id}/assessments"): Route(),
    ("POST", "/api/v1/households/{household_id}/assessments"): Route(
        lambda ids, known: {"reference_date": "2026-06-15"}
    ),
    ("GET", "/api/v1/households/{household_id}/plan"): Route(),
    ("GET", "/api/v1/households/{household_id}/plan/versions"): Route(),
    ("PUT", "/api/v1/households/{household_id}/plan"): Route(
        lambda ids, known: {"goals": "稳定收入", "planned_measures": ["技能培训"]}, if_match=True
    ),
    ("GET", "/api/v1/households/{household_id}/measures"): Route(),
    ("POST", "/api/v1/households/{household_id}/measures"): Route(
        lambda ids, known: {
            "code": "visit",
            "given_on": "2026-11-02",
            "organization_id": str(known.agency),
        }
    ),
    ("POST", "/api/v1/households/{household_id}/measures/{measure_id}/void"): Route(
        lambda ids, known: {"reason": "重复登记"}
    ),
    ("GET", "/api/v1/households/{household_id}/episodes"): Route(),
    ("GET", "/api/v1/households/{household_id}/exit-proposals"): Route(),
    ("POST", "/api/v1/households/{household_id}/exit-proposals"): Route(
        lambda ids, known: {
            "reason": "out_of_hardship",
            "basis": {"code": "follow_up_visit", "on": "2026-11-02"},
        }
    ),
    ("POST", "/api/v1/households/{household_id}/exit-proposals/{proposal_id}/confirm"): Route(),
    ("POST", "/api/v1/households/{household_id}/exit-proposals/{proposal_id}/reject"): Route(
        lambda ids, known: {"reason": "回访记录不完整"}
    ),
    ("POST", "/api/v1/households/{household_id}/reentry"): Route(
        lambda ids, known: {"reason": "hardship_again"}
    ),
    ("GET", "/api/v1/households/{household_id}/target-type-decisions"): Route(),
    ("POST", "/api/v1/households/{household_id}/target-type-decisions"): Route(
        lambda ids, known: {
            "target_type": "registered_hardship",
            "deciding_body": "重庆市渝北区民政局",
            "decided_on": "2026-03-15",
            "reference": "渝北民建档〔2026〕1号",
        }
    ),
    (
        "POST",
        "/api/v1/households/{household_id}/target-type-decisions/{decision_id}/end",
    ): Route(
        lambda ids, known: {"ended_on": "2026-04-01", "reason": "terminated"},
        variants=WITH_PERSON,
    ),
    ("GET", "/api/v1/households/{household_id}/incomes"): Route(params=MONTHS),
    ("PUT", "/api/v1/households/{household_id}/incomes"): Route(
        _items, params=MONTHS, if_match=True
    ),
    ("GET", "/api/v1/households/{household_id}/expenditures"): Route(params=MONTHS),
    ("PUT", "/api/v1/households/{household_id}/expenditures"): Route(
        _items, params=MONTHS, if_match=True
    ),
    ("GET", "/api/v1/households/{household_id}/needs"): Route(),
    ("GET", "/api/v1/households/{household_id}/consents"): Route(),
    ("POST", "/api/v1/households/{household_id}/consents"): Route(
        lambda ids, known: {
            "organization_id": str(uuid.uuid4()),
            "person_id": str(uuid.uuid4()),
            "given_on": "2026-01-05",
            "scope": ["identity_contact"],
            "purpose": "转介办理",
            "method": "written",
        }
    ),
    ("GET", "/api/v1/households/{household_id}/assets"): Route(),
    ("PUT", "/api/v1/households/{household_id}/assets"): Route(_items, if_match=True),
    # The household is checked before the body is read or the document looked up.
    ("GET", "/api/v1/households/{household_id}/documents"): Route(),
    ("POST", "/api/v1/households/{household_id}/documents"): Route(),
    ("GET", "/api/v1/households/{household_id}/documents/{document_id}"): Route(),
    ("GET", "/api/v1/households/{household_id}/documents/{document_id}/content"): Route(),
    ("POST", "/api/v1/households/{household_id}/documents/{document_id}/void"): Route(
        lambda ids, known: {"reason": "上传错了"}
    ),
}


def _owned_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route naming a household, person or assignment in its path."""
    return sorted(
        (method, str(context.path_format))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and any(part in str(context.path_format) for part in PATH_IDS)
        for method in (context.methods or set()) - {"HEAD"}
    )


def test_every_household_owned_route_is_walked(app: FastAPI) -> None:
    assert _owned_routes(app) == sorted(ROUTES)


@dataclass(frozen=True)
class Place:
    """A household with a head and a spouse, and an active assignment."""

    id: uuid.UUID
    spouse: uuid.UUID
    assignment: uuid.UUID
    decision: uuid.UUID


async def _place(app: FastAPI, region: str) -> Place:
    home = await create_household(
        app,
        region=region,
        target_types=["dibao"],
        members=[
            {"name": "张秀英", "relation_to_head": "self", "health": "chronic_illness"},
            {"name": "王芳", "relation_to_head": "spouse", "phone": "13912345678"},
        ],
    )
    async with app.state.services.database.sessionmaker() as session:
        rows = await repository.members(session, home.id)
        decision = await session.scalar(
            select(TargetTypeDecision.id).where(TargetTypeDecision.household_id == home.id)
        )
    [spouse] = [p.id for m, p in rows if m.relation_to_head == "spouse"]
    assignment = await assign_household(app, home.id)
    assert decision is not None
    return Place(home.id, spouse, assignment.id, decision)


def _pairs(variant: str, own: Place, target: Place, foreign: Place) -> tuple[Ids, Ids]:
    """The ids of a variant: with the foreign ones, and with random ones in their place."""
    random = uuid.uuid4
    if variant == FOREIGN_HOUSEHOLD:
        real = Ids(foreign.id, foreign.spouse, foreign.assignment, target.id, foreign.decision)
        return real, replace(
            real, household=random(), person=random(), assignment=random(), decision=random()
        )
    if variant == FOREIGN_IN_OWN:
        real = Ids(own.id, foreign.spouse, foreign.assignment, target.id, foreign.decision)
        return real, replace(real, person=random(), assignment=random(), decision=random())
    if variant == FOREIGN_TARGET:
        real = Ids(own.id, own.spouse, own.assignment, foreign.id, own.decision)
        return real, replace(real, target=random())
    if variant == INTO_THEIR_OWN:
        real = Ids(own.id, foreign.spouse, own.assignment, foreign.id, own.decision)
        return real, replace(real, person=random(), target=random())
    assert variant == SAME_HOUSEHOLD
    real = Ids(foreign.id, foreign.spouse, own.assignment, foreign.id, own.decision)
    other = random()
    return real, replace(real, person=random(), household=other, target=other)


def _url(path: str, ids: Ids) -> str:
    return (
        path.replace("{household_id}", str(ids.household))
        .replace("{person_id}", str(ids.person))
        .replace("{assignment_id}", str(ids.assignment))
        # No household of the walk has documents: the assignment's id stands in for one.
        .replace("{document_id}", str(ids.assignment))
        # Measures and proposals of a household are found only under it: the assignment's
        # id stands in (foreign in the foreign variants, random in the random ones).
        .replace("{measure_id}", str(ids.assignment))
        .replace("{proposal_id}", str(ids.assignment))
        .replace("{decision_id}", str(ids.decision))
    )


async def _call(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    method: str,
    path: str,
    route: Route,
    ids: Ids,
    known: Known,
) -> httpx.Response:
    extra = {"If-Match": 'W/"1"'} if route.if_match else {}
    return await http.request(
        method,
        _url(path, ids),
        json=route.body(ids, known),
        params=route.params,
        headers={**headers, **extra},
    )


@pytest.mark.parametrize(
    ("username", "foreign_region"),
    [
        ("street_officer", GRID_B1_1),
        ("grid_worker", GRID_B1_1),
        ("grid_worker", GRID_A1_2),
    ],
)
async def test_foreign_ids_are_answered_as_random_ones(
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    session: AsyncSession,
    username: str,
    foreign_region: str,
) -> None:
    await create_demo_district(session)
    own, target = await _place(app, GRID_A1_1), await _place(app, GRID_A1_1)
    foreign = await _place(app, foreign_region)
    known = Known(await organization_id(app, AGENCY), await user_id(app, "grid_worker"))
    headers = await bearer(anonymous, username)
    differences: list[str] = []
    for method, path in _owned_routes(app):
        route = ROUTES[(method, path)]
        for variant in route.variants:
            real, random = _pairs(variant, own, target, foreign)
            answers = [
                comparable(await _call(anonymous, headers, method, path, route, ids, known))
                for ids in (real, random)
            ]
            status = answers[0][0]
            # A valid request, refused for what it names: not found, or not for this role
            # (a grid worker writes nothing in the ledger: 403 before anything is looked up).
            names_itself = variant == SAME_HOUSEHOLD and username != "grid_worker"
            expected = {422} if names_itself else {403, 404}
            if answers[0] != answers[1] or status not in expected:
                differences.append(f"{method} {path} ({variant}): {answers[0]} / {answers[1]}")
    assert differences == []
