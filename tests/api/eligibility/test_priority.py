"""The priority list (DOMAIN 5, "Scoring"): current eligible assessments of the caller's
reach, the higher score first, then the lower per-capita income, then the household id;
pages cut between equal scores never repeat or skip a household."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.eligibility.models import Assessment
from app.eligibility.rules.score import MICRO
from tests.api.eligibility.policies_http import create_policy
from tests.api.households.ledger_http import bearer
from tests.factories import GRID_A1_1, GRID_B1_1, create_household

PRIORITY = "/api/v1/eligibility/priority"
CONTRIBUTIONS = [
    {"factor": "income_gap", "figures": [], "fraction": "0.5000", "weight": 30, "points": "15.00"}
]


async def _assessed(
    app: FastAPI,
    policy_id: str,
    *,
    region: str = GRID_A1_1,
    score: str | None,
    per_capita: str = "1000.00",
    outcome: str = "income_poverty",
    superseded: bool = False,
) -> Any:
    """A household with one stored assessment of these figures (a factory row: how the
    assessment was computed is tests/api/eligibility/test_assessments.py's business)."""
    household = await create_household(app, region=region)
    async with app.state.services.database.sessionmaker() as session, session.begin():
        row = Assessment(
            household_id=household.id,
            region_code=region,
            district_code=region[:6],
            reference_date=date(2026, 11, 20),
            policy_version_id=uuid.UUID(policy_id),
            outcome=outcome,
            missing=[],
            member_count=1,
            income_total=Decimal(per_capita) * 12,
            rigid_total=Decimal(0),
            score=None if score is None else Decimal(score),
            per_capita_micro=None if score is None else int(Decimal(per_capita) * MICRO),
            inputs={},
            rules=[],
            contributions=CONTRIBUTIONS if score is not None else None,
            fingerprint="0" * 64,
        )
        session.add(row)
        await session.flush()
        if superseded:
            row.superseded_by = row.id
    return household


@pytest.fixture
async def policy_id(http: httpx.AsyncClient) -> str:
    draft: dict[str, Any] = await create_policy(http)
    return str(draft["id"])


async def _all(http: httpx.AsyncClient, username: str, **params: Any) -> list[dict[str, Any]]:
    headers = await bearer(http, username)
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = await http.get(PRIORITY, params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_ties_are_broken_by_income_then_id_across_pages(
    app: FastAPI, http: httpx.AsyncClient, policy_id: str
) -> None:
    figures = [
        ("80.00", "900.00"),
        ("80.00", "900.00"),
        ("80.00", "900.00"),
        ("80.00", "850.50"),
        ("95.50", "2000.00"),
        ("12.25", "700.00"),
        ("80.00", "1200.00"),
    ]
    made = [
        (await _assessed(app, policy_id, score=s, per_capita=p), Decimal(s), Decimal(p))
        for s, p in figures
    ]
    expected = [str(h.id) for h, s, p in sorted(made, key=lambda m: (-m[1], m[2], str(m[0].id)))]
    items = await _all(http, "district_officer", limit=2)
    assert [i["household_id"] for i in items] == expected
    assert [i["score"] for i in items] == [
        "95.50",
        "80.00",
        "80.00",
        "80.00",
        "80.00",
        "80.00",
        "12.25",
    ]
    assert items[1]["per_capita_monthly_income"] == "850.50"
    assert items[0]["contributions"] == [
        {"factor": "income_gap", "fraction": "0.5000", "weight": 30, "points": "15.00"}
    ]
    assert items[0]["accepted"] is False


async def test_only_current_eligible_assessments_are_listed(
    app: FastAPI, http: httpx.AsyncClient, policy_id: str
) -> None:
    listed = await _assessed(app, policy_id, score="50.00", outcome="expenditure_poverty")
    await _assessed(app, policy_id, score="60.00", superseded=True)
    await _assessed(app, policy_id, score=None, outcome="not_eligible")
    await _assessed(app, policy_id, score=None, outcome="refer_to_dibao")
    items = await _all(http, "district_officer")
    assert [(i["household_id"], i["outcome"]) for i in items] == [
        (str(listed.id), "expenditure_poverty")
    ]
    assert await _all(http, "district_officer", outcome="income_poverty") == []


async def test_each_caller_sees_its_reach_and_region_filters_a_subtree(
    app: FastAPI, http: httpx.AsyncClient, policy_id: str
) -> None:
    mine = await _assessed(app, policy_id, score="40.00")
    theirs = await _assessed(app, policy_id, region=GRID_B1_1, score="70.00")
    assert [i["household_id"] for i in await _all(http, "street_officer")] == [str(mine.id)]
    assert [i["household_id"] for i in await _all(http, "street_officer_2")] == [str(theirs.id)]
    district = await _all(http, "district_officer")
    assert [i["household_id"] for i in district] == [str(theirs.id), str(mine.id)]
    only_b = await _all(http, "district_officer", region=GRID_B1_1[:9])
    assert [i["household_id"] for i in only_b] == [str(theirs.id)]


@pytest.mark.parametrize(
    "username", ["grid_worker", "social_worker", "admin", "department_officer"]
)
async def test_roles_that_do_not_allot_help_are_refused(
    http: httpx.AsyncClient, username: str
) -> None:
    answer = await http.get(PRIORITY, headers=await bearer(http, username))
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"


async def test_a_cursor_of_another_filter_is_refused(
    app: FastAPI, http: httpx.AsyncClient, policy_id: str
) -> None:
    for score in ("10.00", "20.00"):
        await _assessed(app, policy_id, score=score)
    headers = await bearer(http, "district_officer")
    first = (await http.get(PRIORITY, params={"limit": 1}, headers=headers)).json()
    answer = await http.get(
        PRIORITY,
        params={"limit": 1, "cursor": first["next_cursor"], "outcome": "income_poverty"},
        headers=headers,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "invalid_cursor"
