"""An assessment route answers a foreign id exactly as it answers a random one (the intake
`test_foreign_ids` for assessments): called by the street officer of the neighbouring street
and by a grid worker, with the id of an assessment of another street's household and with a
random id, the whole answers must be the same. A route added without an entry fails the walk."""

import uuid

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from tests.api.eligibility.assessments_http import assessed
from tests.api.eligibility.policies_http import published
from tests.api.households.ledger_http import bearer
from tests.factories import GRID_A1_2, GRID_B1_1, create_household
from tests.problems import comparable

ONE = "/api/v1/assessments/{assessment_id}"
ROUTES = [("GET", ONE), ("POST", f"{ONE}/accept")]
OFFICER_OF = {GRID_B1_1: "street_officer_2", GRID_A1_2: "street_officer"}


def _assessment_routes(app: FastAPI) -> list[tuple[str, str]]:
    return sorted(
        (method, str(context.path_format))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and "{assessment_id}" in str(context.path_format)
        for method in (context.methods or set()) - {"HEAD"}
    )


def test_every_assessment_route_is_walked(app: FastAPI) -> None:
    assert _assessment_routes(app) == sorted(ROUTES)


@pytest.mark.parametrize(
    ("username", "foreign_region"),
    [("street_officer", GRID_B1_1), ("grid_worker", GRID_B1_1), ("grid_worker", GRID_A1_2)],
)
async def test_foreign_ids_are_answered_as_random_ones(
    app: FastAPI, http: httpx.AsyncClient, username: str, foreign_region: str
) -> None:
    await published(http)
    household = await create_household(app, region=foreign_region)
    real = (await assessed(http, household, username=OFFICER_OF[foreign_region]))["id"]
    headers = await bearer(http, username)
    differences = []
    for method, path in _assessment_routes(app):
        answers = [
            comparable(
                await http.request(
                    method, path.replace("{assessment_id}", str(ids)), headers=headers
                )
            )
            for ids in (real, uuid.uuid4())
        ]
        if answers[0] != answers[1] or answers[0][0] not in {403, 404}:
            differences.append(f"{method} {path}: {answers[0]} / {answers[1]}")
    assert differences == []
