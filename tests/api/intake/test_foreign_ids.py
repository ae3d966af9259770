"""An intake route answers a foreign id exactly as it answers a random one (the households'
`test_foreign_ids` for applications, discovery reports, home visits, deadlines and inbox
items).

Each route of the app with an intake object's id in its path is called by a street officer of
the neighbouring street and by a grid worker, with the ids of objects filed in another street
(or another grid, or of another user's inbox) and with random ids; the whole answers must be
the same: status, problem body (but its request-specific `instance` and `request_id`) and the
compared headers. A route added without an entry in `ROUTES` fails the walk.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.intake.models import Deadline, InboxItem
from tests.api.households.ledger_http import bearer, fetch, user_id
from tests.api.intake.reports_http import report
from tests.factories import GRID_A1_1, GRID_A1_2, GRID_B1_1, create_demo_district, create_household
from tests.problems import comparable

PATH_IDS = ("{application_id}", "{report_id}", "{visit_id}", "{deadline_id}", "{item_id}")
TODAY = business_today().isoformat()


@dataclass(frozen=True)
class Ids:
    """One intake object of each kind (their `{..._id}` path parameters)."""

    application_id: uuid.UUID
    report_id: uuid.UUID
    visit_id: uuid.UUID
    deadline_id: uuid.UUID
    item_id: uuid.UUID

    def random(self) -> "Ids":
        return replace(self, **{f.name: uuid.uuid4() for f in fields(self)})

    def url(self, path: str) -> str:
        for f in fields(self):
            path = path.replace(f"{{{f.name}}}", str(getattr(self, f.name)))
        return path


Body = Callable[[uuid.UUID], dict[str, Any] | None]
"""The request body, given a household of the caller's own street."""


def _step(**extra: str) -> Body:
    return lambda own: {"effective_on": TODAY, **extra}


@dataclass(frozen=True)
class Route:
    body: Body = lambda own: None
    if_match: bool = False


APPLICATION = "/api/v1/applications/{application_id}"
REPORT = "/api/v1/discovery-reports/{report_id}"
VISIT = "/api/v1/home-visits/{visit_id}"
ROUTES: dict[tuple[str, str], Route] = {
    ("GET", APPLICATION): Route(),
    **{
        ("POST", f"{APPLICATION}/{action}"): Route(_step(), if_match=True)
        for action in ("accept", "investigate", "assess", "approve", "close", "withdraw")
    },
    ("POST", f"{APPLICATION}/reject"): Route(_step(reason="not_in_scope"), if_match=True),
    ("POST", f"{APPLICATION}/not_approve"): Route(_step(reason="income_above_line"), if_match=True),
    ("GET", REPORT): Route(),
    ("POST", f"{REPORT}/dismiss"): Route(
        lambda own: {"reason": "not_in_hardship", "note": "经核实家庭收入稳定。"}, if_match=True
    ),
    ("POST", f"{REPORT}/investigate"): Route(
        lambda own: {"basic_investigation_on": TODAY}, if_match=True
    ),
    ("POST", f"{REPORT}/link"): Route(lambda own: {"household_id": str(own)}, if_match=True),
    ("GET", VISIT): Route(),
    ("POST", f"{VISIT}/cancel"): Route(lambda own: {"reason": "改期"}, if_match=True),
    ("POST", f"{VISIT}/record"): Route(
        lambda own: {
            "visited_on": TODAY,
            "living_situation": "独居，行动不便。",
            "assessment": "急需医疗救助。",
        },
        if_match=True,
    ),
    ("GET", "/api/v1/deadlines/{deadline_id}"): Route(),
    ("POST", "/api/v1/inbox/{item_id}/read"): Route(),
}


def _intake_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route naming an intake object in its path."""
    return sorted(
        (method, str(context.path_format))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and any(part in str(context.path_format) for part in PATH_IDS)
        for method in (context.methods or set()) - {"HEAD"}
    )


def test_every_intake_route_is_walked(app: FastAPI) -> None:
    assert _intake_routes(app) == sorted(ROUTES)


OFFICER_OF = {GRID_B1_1: "street_officer_2", GRID_A1_2: "street_officer"}
VISITOR_OF = {GRID_B1_1: "community_worker_2", GRID_A1_2: "community_worker"}


async def _created(response: httpx.Response) -> uuid.UUID:
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def _foreign(app: FastAPI, http: httpx.AsyncClient, region: str) -> Ids:
    """One object of each kind, filed in `region` by its street's officer."""
    headers = await bearer(http, OFFICER_OF[region])
    home = await create_household(app, region=region)
    application = await _created(
        await http.post(
            "/api/v1/applications",
            json={
                "household_id": str(home.id),
                "mode": "self",
                "needs": ["medical"],
                "applied_on": TODAY,
                "hardship_kind": "major_illness",
                "hardship_learned_on": TODAY,
            },
            headers=headers,
        )
    )
    filed = await _created(
        await http.post(
            "/api/v1/discovery-reports", json=report(region_code=region), headers=headers
        )
    )
    visitor = await user_id(app, VISITOR_OF[region])
    visit = await _created(
        await http.post(
            "/api/v1/home-visits",
            json={"household_id": str(home.id), "visitor_id": str(visitor), "scheduled_on": TODAY},
            headers=headers,
        )
    )
    [(deadline,)] = await fetch(
        app,
        select(Deadline.id).where(
            Deadline.application_id == application, Deadline.kind == "visit_after_hardship"
        ),
    )
    # The visitor's notice of the visit: an item of another user's inbox.
    [(item,)] = await fetch(app, select(InboxItem.id).where(InboxItem.user_id == visitor))
    return Ids(application, filed, visit, deadline, item)


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
    own = (await create_household(app, region=GRID_A1_1)).id
    real = await _foreign(app, anonymous, foreign_region)
    headers = await bearer(anonymous, username)
    differences: list[str] = []
    for method, path in _intake_routes(app):
        route = ROUTES[(method, path)]
        extra = {"If-Match": 'W/"1"'} if route.if_match else {}
        answers = [
            comparable(
                await anonymous.request(
                    method, ids.url(path), json=route.body(own), headers=headers | extra
                )
            )
            for ids in (real, real.random())
        ]
        if answers[0] != answers[1] or answers[0][0] not in {403, 404}:
            differences.append(f"{method} {path}: {answers[0]} / {answers[1]}")
    assert differences == []
