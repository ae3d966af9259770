"""A household's sub-resource is found only under its own household (issue 13).

Every route below `/households/{household_id}` with a second id (a measure, an exit
proposal, a document, a decision, an assignment, a member) is called by a street officer
under one of its own households with the REAL id of an object of another household: one
the caller may see and write (its own street), and one out of its reach (another
street). Each call is a 404 `not_found`, and nothing changes: not the household of the
path, not the other household, not the object named. A route added without an entry in
`ROUTES` fails the walk.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.households.models import (
    Household,
    HouseholdAssignment,
    HouseholdChange,
    HouseholdDocument,
    HouseholdExitProposal,
    HouseholdMeasure,
    Membership,
    Person,
    TargetTypeDecision,
)
from app.households.record import repository
from tests.api.households.ledger_http import AGENCY, PDF, bearer, fetch, organization_id
from tests.factories import (
    GRID_A1_1,
    GRID_A1_2,
    GRID_B1_1,
    assign_household,
    create_demo_district,
    create_household,
)
from tests.problems import assert_problem

HOUSEHOLD = "/api/v1/households/{household_id}"
WATCHED = (
    Household,
    HouseholdMeasure,
    HouseholdExitProposal,
    HouseholdDocument,
    TargetTypeDecision,
    HouseholdAssignment,
    Membership,
    Person,
    HouseholdChange,
)
"""The tables a wrong call could change: every row of each is compared before and after."""


@dataclass(frozen=True)
class Route:
    kind: str
    """Which object of the other household the second id names."""
    body: dict[str, Any] | None = None
    params: dict[str, str] = field(default_factory=dict)
    if_match: bool = False


TODAY = business_today().isoformat()
ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/measures/{measure_id}/void"): Route("measure", {"reason": "重复登记"}),
    ("POST", "/exit-proposals/{proposal_id}/confirm"): Route("proposal"),
    ("POST", "/exit-proposals/{proposal_id}/reject"): Route(
        "proposal", {"reason": "回访记录不完整"}
    ),
    ("GET", "/documents/{document_id}"): Route("document"),
    ("GET", "/documents/{document_id}/content"): Route("document"),
    ("POST", "/documents/{document_id}/void"): Route("document", {"reason": "上传错了"}),
    ("POST", "/target-type-decisions/{decision_id}/end"): Route(
        "decision", {"ended_on": TODAY, "reason": "terminated"}
    ),
    ("DELETE", "/assignments/{assignment_id}"): Route("assignment"),
    ("PATCH", "/members/{person_id}"): Route("person", {"phone": "13800000000"}, if_match=True),
    ("PATCH", "/members/{person_id}/membership"): Route(
        "person", {"joined_on": "2019-03-01", "reason": "户口簿"}, if_match=True
    ),
    ("DELETE", "/members/{person_id}"): Route("person", params={"reason": "moved_out"}),
}
PLACEHOLDERS = {
    "measure": "{measure_id}",
    "proposal": "{proposal_id}",
    "document": "{document_id}",
    "decision": "{decision_id}",
    "assignment": "{assignment_id}",
    "person": "{person_id}",
}


def _second_id_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path below the household) of every route naming a household and another id."""
    found = []
    for context in iter_route_contexts(app.routes):
        path = str(context.path_format)
        if not isinstance(context.original_route, APIRoute) or not path.startswith(HOUSEHOLD):
            continue
        rest = path.removeprefix(HOUSEHOLD)
        if "_id}" in rest:
            found.extend((method, rest) for method in (context.methods or set()) - {"HEAD"})
    return sorted(found)


def test_every_route_with_a_second_id_is_walked(app: FastAPI) -> None:
    assert _second_id_routes(app) == sorted(ROUTES)


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _household_with_everything(
    app: FastAPI, http: httpx.AsyncClient, region: str, officer: str
) -> dict[str, uuid.UUID]:
    """A household holding one object of each kind, made by its own street officer; the ids."""
    home = await create_household(
        app,
        region=region,
        target_types=["dibao"],
        members=[
            {"name": "张秀英", "relation_to_head": "self"},
            {"name": "王芳", "relation_to_head": "spouse"},
        ],
    )
    url = f"/api/v1/households/{home.id}"
    headers = await bearer(http, officer)
    measure = await http.post(
        f"{url}/measures",
        json={
            "code": "visit",
            "given_on": TODAY,
            "organization_id": str(await organization_id(app, AGENCY)),
        },
        headers=headers,
    )
    document = await http.post(
        f"{url}/documents",
        files={"file": ("授权委托书.pdf", PDF, "application/pdf")},
        data={"kind": "authorisation"},
        headers=headers,
    )
    proposal = await http.post(
        f"{url}/exit-proposals",
        json={"reason": "out_of_hardship", "basis": {"code": "follow_up_visit", "on": TODAY}},
        headers=headers,
    )
    for made in (measure, document, proposal):
        assert made.status_code == 201, made.text
    async with app.state.services.database.sessionmaker() as session:
        rows = await repository.members(session, home.id)
    [decision] = await fetch(
        app, select(TargetTypeDecision.id).where(TargetTypeDecision.household_id == home.id)
    )
    return {
        "household": home.id,
        "measure": uuid.UUID(measure.json()["id"]),
        "document": uuid.UUID(document.json()["id"]),
        "proposal": uuid.UUID(proposal.json()["id"]),
        "decision": decision[0],
        "assignment": (await assign_household(app, home.id)).id,
        "person": next(p.id for m, p in rows if m.relation_to_head == "spouse"),
    }


async def _everything(app: FastAPI) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the watched tables, as stored."""
    return {
        model.__tablename__: sorted(
            (tuple(map(repr, row)) for row in await fetch(app, select(model.__table__))),
        )
        for model in WATCHED
    }


@pytest.mark.parametrize("other_region", [GRID_A1_2, GRID_B1_1], ids=["in_scope", "out_of_scope"])
async def test_an_id_of_another_household_is_not_found_under_ones_own(
    app: FastAPI, anonymous: httpx.AsyncClient, other_region: str
) -> None:
    own = await _household_with_everything(app, anonymous, GRID_A1_1, "street_officer")
    other_officer = "street_officer_2" if other_region == GRID_B1_1 else "street_officer"
    other = await _household_with_everything(app, anonymous, other_region, other_officer)
    headers = await bearer(anonymous, "street_officer")
    before = await _everything(app)
    answers: dict[tuple[str, str], httpx.Response] = {}
    for (method, rest), route in ROUTES.items():
        url = (HOUSEHOLD + rest).replace("{household_id}", str(own["household"]))
        url = url.replace(PLACEHOLDERS[route.kind], str(other[route.kind]))
        # The version the caller holds: a stale If-Match must not be what refuses the call.
        current = await anonymous.get(f"/api/v1/households/{own['household']}", headers=headers)
        match = {"If-Match": current.headers["etag"]} if route.if_match else {}
        if rest == "/members/{person_id}":
            match = {"If-Match": 'W/"1"'}  # the person's own ETag: never written in this test
        response = await anonymous.request(
            method, url, json=route.body, params=route.params, headers={**headers, **match}
        )
        answers[(method, rest)] = response
    assert {
        route: (response.status_code, response.json().get("code"))
        for route, response in answers.items()
    } == dict.fromkeys(ROUTES, (404, "not_found"))
    for response in answers.values():
        assert_problem(response, 404, "not_found")
    assert await _everything(app) == before, "a refused call changed nothing"
