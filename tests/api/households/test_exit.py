"""Leaving and re-entering the ledger (Beijing 5, dynamic management): history stays."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from tests.api.households.ledger_http import bearer, history, household
from tests.factories import add_dictionary_code, create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


async def _exit(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, **body: Any
) -> httpx.Response:
    return await http.post(
        f"/api/v1/households/{hid}/exit",
        json={"reason": "out_of_hardship", **body},
        headers=headers,
    )


async def _reenter(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, **body: Any
) -> httpx.Response:
    return await http.post(f"/api/v1/households/{hid}/reentry", json=body, headers=headers)


async def _listed(http: httpx.AsyncClient, headers: dict[str, str], query: str = "") -> set[str]:
    response = await http.get(f"/api/v1/households{query}", headers=headers)
    assert response.status_code == 200, response.text
    return {h["id"] for h in response.json()["items"]}


async def test_a_household_exits_with_a_reason_and_stays_findable(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    leaving = await create_household(app)
    staying = await create_household(app)
    response = await _exit(anonymous, officer, leaving.id, note="家庭成员已稳定就业。")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["exit_reason"], body["exit_note"], body["exited_on"]) == (
        "exited",
        "out_of_hardship",
        "家庭成员已稳定就业。",
        business_today().isoformat(),
    )
    assert body["version"] == leaving.version + 1
    assert response.headers["etag"] == f'W/"{leaving.version + 1}"'
    assert [m["name"] for m in body["members"]] == ["张秀英"]
    assert await _listed(anonymous, officer) == {str(staying.id)}
    assert await _listed(anonymous, officer, "?status=exited") == {str(leaving.id)}
    assert await _listed(anonymous, officer, "?status=all") == {str(leaving.id), str(staying.id)}
    assert (await household(anonymous, officer, leaving.id))["status"] == "exited"
    entry = (await history(anonymous, officer, leaving.id))[-1]
    assert (entry["action"], entry["changes"]) == (
        "household.exit",
        {
            "status": {"before": "active", "after": "exited"},
            "exit_reason": {"before": None, "after": "out_of_hardship"},
            "exit_note": {"before": None, "after": "家庭成员已稳定就业。"},
            "exited_on": {"before": None, "after": business_today().isoformat()},
        },
    )


async def test_a_past_exit_date_is_kept_and_a_future_one_refused(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    tomorrow = (business_today() + timedelta(days=1)).isoformat()
    future = await _exit(anonymous, officer, home.id, exited_on=tomorrow)
    assert_invalid(future, ["body", "exited_on"], "date_in_future")
    assert (await household(anonymous, officer, home.id))["status"] == "active"
    last_month = (business_today() - timedelta(days=30)).isoformat()
    past = await _exit(anonymous, officer, home.id, exited_on=last_month)
    assert past.status_code == 200, past.text
    assert past.json()["exited_on"] == last_month


async def test_the_reason_is_a_code_of_the_exit_reason_list(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], session: AsyncSession
) -> None:
    home = await create_household(app)
    unknown = await _exit(anonymous, officer, home.id, reason="got_rich")
    assert_invalid(unknown, ["body", "reason"], "unknown_code")
    malformed = await _exit(anonymous, officer, home.id, reason="Got Rich")
    assert_invalid(malformed, ["body", "reason"])
    assert (await household(anonymous, officer, home.id))["status"] == "active"
    local = await add_dictionary_code(
        session, "exit_reason", label_zh="户籍迁往外省", label_en="Hukou moved away"
    )
    accepted = await _exit(anonymous, officer, home.id, reason=local)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["exit_reason"] == local


async def test_exit_twice_and_reentry_of_an_active_household_are_invalid_transitions(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    not_exited = await _reenter(anonymous, officer, home.id)
    assert assert_problem(not_exited, 409, "invalid_transition")["allowed"] == ["exit"]
    assert (await _exit(anonymous, officer, home.id)).status_code == 200
    again = await _exit(anonymous, officer, home.id, reason="deceased")
    assert assert_problem(again, 409, "invalid_transition")["allowed"] == ["reenter"]
    record = await household(anonymous, officer, home.id)
    assert (record["exit_reason"], record["version"]) == ("out_of_hardship", home.version + 1)


async def test_reentry_restores_the_household_and_the_history_keeps_both(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    await _exit(anonymous, officer, home.id, reason="no_longer_eligible", note="收入超标")
    response = await _reenter(anonymous, officer, home.id, note="复核发现再次陷入困境。")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["exit_reason"], body["exit_note"], body["exited_on"]) == (
        "active",
        None,
        None,
        None,
    )
    assert body["version"] == home.version + 2
    assert await _listed(anonymous, officer) == {str(home.id)}
    entries = [
        e
        for e in await history(anonymous, officer, home.id)
        if e["action"] in ("household.exit", "household.reenter")
    ]
    assert [e["action"] for e in entries] == ["household.exit", "household.reenter"]
    assert entries[1]["changes"] == {
        "status": {"before": "exited", "after": "active"},
        "exit_reason": {"before": "no_longer_eligible", "after": None},
        "exit_note": {"before": "收入超标", "after": None},
        "exited_on": {"before": business_today().isoformat(), "after": None},
        "note": {"before": None, "after": "复核发现再次陷入困境。"},
    }
    assert (await _exit(anonymous, officer, home.id)).status_code == 200


@pytest.mark.parametrize("username", ["grid_worker", "social_worker", "district_officer"])
async def test_only_street_officers_and_community_workers_exit(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], username: str
) -> None:
    home = await create_household(app)
    headers = await bearer(anonymous, username)
    assert_problem(await _exit(anonymous, headers, home.id), 403, "forbidden")
    assert (await _exit(anonymous, officer, home.id)).status_code == 200
    assert_problem(await _reenter(anonymous, headers, home.id), 403, "forbidden")
    assert (await household(anonymous, officer, home.id))["status"] == "exited"


async def test_a_community_worker_exits_in_its_community_only(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    inside = await create_household(app, region="500112001001002")
    outside = await create_household(app, region="500112001002001")
    community = await bearer(anonymous, "community_worker")
    assert (await _exit(anonymous, community, inside.id)).status_code == 200
    assert (await _reenter(anonymous, community, inside.id)).status_code == 200
    assert_problem(await _exit(anonymous, community, outside.id), 404, "not_found")
