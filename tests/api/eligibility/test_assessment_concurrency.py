"""Assessments of one household under concurrency (DOMAIN 5), through HTTP as a signed-in
officer: each new assessment supersedes the earlier current one under the household's lock,
so however many run at once the household keeps exactly one current assessment and one
unbroken supersede chain; accepting races a new assessment and the ledger only ever takes
the finding of an assessment that was current when accepted.

On SQLite the writers are serial (BEGIN IMMEDIATE); on PostgreSQL (`TEST_DATABASE_URL`)
the requests really overlap and the household's row lock orders them."""

import asyncio
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.eligibility.assessments_http import OFFICER, D, accept, assessments_of, home, policy
from tests.api.households.ledger_http import bearer
from tests.problems import assert_problem

AT_ONCE = 6
ROUNDS = 4


@pytest.fixture
async def http(http: httpx.AsyncClient) -> httpx.AsyncClient:
    """The demo district with its published policy (L = 720 from 2026-01-01)."""
    await policy(http)
    return http


async def _history(http: httpx.AsyncClient, household: Any) -> list[dict[str, Any]]:
    """The household's whole history through the API, newest first."""
    listed = await http.get(assessments_of(household), headers=await bearer(http, OFFICER))
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["next_cursor"] is None, page
    items: list[dict[str, Any]] = page["items"]
    return items


def _chain(items: list[dict[str, Any]]) -> list[str]:
    """The history's supersede chain, oldest first, checked whole: exactly one current
    assessment; every other one superseded by a later assessment of the same household,
    none by two; following the pointers from the one nobody supersedes visits every
    assessment and ends at the current one."""
    by_id = {i["id"]: i for i in items}
    assert len(by_id) == len(items), items
    for item in items:
        assert item["current"] is (item["superseded_by"] is None), item
    current = [i["id"] for i in items if i["current"]]
    assert len(current) == 1, [(i["id"], i["superseded_by"]) for i in items]
    successors = [i["superseded_by"] for i in items if not i["current"]]
    assert len(set(successors)) == len(successors), "one assessment superseded two"
    assert set(successors) <= set(by_id), "superseded by an assessment of another household"
    (first,) = set(by_id) - set(successors)
    chain = [first]
    while by_id[chain[-1]]["superseded_by"] is not None:
        later = by_id[chain[-1]]["superseded_by"]
        assert _created(by_id[later]) >= _created(by_id[chain[-1]]), (chain, later)
        chain.append(later)
    assert len(chain) == len(items), chain
    assert chain[-1] == current[0], chain
    return chain


def _created(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(item["created_at"])


class TestConcurrentAssessments:
    async def test_concurrent_re_checks_leave_one_current_and_one_chain(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        headers = await bearer(http, OFFICER)
        body = {"reference_date": D.isoformat()}
        earlier: list[str] = []

        for _ in range(ROUNDS):
            answers = await asyncio.gather(
                *(
                    http.post(assessments_of(household), json=body, headers=headers)
                    for _ in range(AT_ONCE)
                )
            )

            assert [a.status_code for a in answers] == [201] * AT_ONCE, [a.text for a in answers]
            made = [a.json() for a in answers]
            assert all(m["household_id"] == str(household.id) for m in made)
            assert {m["outcome"] for m in made} == {"income_poverty"}
            assert len({m["fingerprint"] for m in made}) == 1
            history = await _history(http, household)
            chain = _chain(history)
            assert set(chain) == set(earlier) | {m["id"] for m in made}
            assert chain[: len(earlier)] == earlier, "an older assessment came back"
            earlier = chain

    async def test_accepting_races_a_new_assessment(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        """Either the accept commits first (200; the new assessment then supersedes the
        accepted one) or the new assessment does (the accept is refused as superseded and
        sets nothing); never both, never an error."""
        household, _ = await home(app, http)
        headers = await bearer(http, OFFICER)
        body = {"reference_date": D.isoformat()}
        target = (await http.post(assessments_of(household), json=body, headers=headers)).json()
        accepted: list[str] = []

        for _ in range(ROUNDS):
            accepting, assessing = await asyncio.gather(
                http.post(f"/api/v1/assessments/{target['id']}/accept", headers=headers),
                http.post(assessments_of(household), json=body, headers=headers),
            )

            assert assessing.status_code == 201, assessing.text
            newest = assessing.json()
            items = {i["id"]: i for i in await _history(http, household)}
            _chain(list(items.values()))
            assert items[target["id"]]["superseded_by"] == newest["id"]
            assert items[newest["id"]]["current"] is True
            if accepting.status_code == 200:
                assert accepting.json()["id"] == target["id"]
                assert items[target["id"]]["accepted_at"] is not None
                accepted.append(target["id"])
            else:
                assert_problem(accepting, 409, "assessment_superseded")
                assert items[target["id"]]["accepted_at"] is None
            target = newest

        assert {i for i, a in items.items() if a["accepted_at"] is not None} == set(accepted)
        # The current assessment is still acceptable, and only it.
        assert (await accept(http, target["id"])).status_code == 200
