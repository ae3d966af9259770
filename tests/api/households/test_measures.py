"""Measures given to a household (帮扶措施): dated records with a code, an organisation, an
amount where money was given and a link to the plan item they carry out."""

import uuid
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
    open_to_social_worker,
    organization_id,
    user_id,
)
from tests.factories import (
    add_dictionary_code,
    assign_household,
    create_demo_district,
    create_household,
)
from tests.problems import assert_invalid, assert_problem

TODAY = business_today()
CHARITY = "渝北区慈善会"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def officer(anonymous: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(anonymous, "street_officer")


async def _body(app: FastAPI, **fields: Any) -> dict[str, Any]:
    return {
        "code": "visit",
        "given_on": TODAY.isoformat(),
        "organization_id": str(await organization_id(app, CHARITY)),
        **fields,
    }


async def _give(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, body: dict[str, Any]
) -> httpx.Response:
    return await http.post(f"/api/v1/households/{hid}/measures", json=body, headers=headers)


async def _list(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any, query: str = ""
) -> dict[str, Any]:
    response = await http.get(f"/api/v1/households/{hid}/measures{query}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_measure_is_recorded_and_counts_for_completeness(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    before = await household(anonymous, officer, home.id)
    assert "measures_or_no_help_reason" in before["missing_fields"]
    body = await _body(app, note="入户走访，了解近况。")
    response = await _give(anonymous, officer, home.id, body)
    assert response.status_code == 201, response.text
    measure = response.json()
    assert response.headers["location"] == f"/api/v1/households/{home.id}/measures/{measure['id']}"
    assert {k: measure[k] for k in body} == body
    assert (measure["amount"], measure["plan_item_id"], measure["legacy"]) == (None, None, False)
    assert (measure["voided_at"], measure["void_reason"]) == (None, None)
    assert measure["created_by"] == str(await user_id(app, "street_officer"))
    after = await household(anonymous, officer, home.id)
    assert "measures_or_no_help_reason" not in after["missing_fields"]
    assert after["version"] == before["version"] + 1
    entry = (await history(anonymous, officer, home.id))[-1]
    assert entry["action"] == "measure.record"
    assert entry["changes"]["measure"]["after"]["code"] == "visit"


async def test_the_list_is_newest_first_by_day_given_and_pages(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    days = [TODAY - timedelta(days=n) for n in (3, 0, 10)]
    ids = []
    for day in days:
        response = await _give(
            anonymous, officer, home.id, await _body(app, given_on=day.isoformat())
        )
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    first = await _list(anonymous, officer, home.id, "?limit=2")
    assert [m["given_on"] for m in first["items"]] == [days[1].isoformat(), days[0].isoformat()]
    assert first["next_cursor"]
    rest = await _list(anonymous, officer, home.id, f"?limit=2&cursor={first['next_cursor']}")
    assert [m["id"] for m in rest["items"]] == [ids[2]]
    assert rest["next_cursor"] is None


@pytest.mark.parametrize(
    ("code", "amount", "error"),
    [
        ("temporary_assistance_cash", None, "required_for_kind"),
        ("temporary_assistance_cash", "0.00", "too_small"),
        ("charity_cash", "-5.00", "too_small"),
        ("visit", "10.00", "not_for_kind"),
        ("goods", "0.00", "not_for_kind"),
    ],
)
async def test_money_measures_need_an_amount_above_zero_and_others_none(
    app: FastAPI,
    anonymous: httpx.AsyncClient,
    officer: dict[str, str],
    code: str,
    amount: str | None,
    error: str,
) -> None:
    home = await create_household(app)
    response = await _give(anonymous, officer, home.id, await _body(app, code=code, amount=amount))
    assert_invalid(response, ["body", "amount"], error)
    assert (await _list(anonymous, officer, home.id))["items"] == []
    assert (await household(anonymous, officer, home.id))["version"] == home.version


async def test_a_money_measure_keeps_its_amount_to_the_fen(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    body = await _body(app, code="temporary_assistance_cash", amount="800.5")
    response = await _give(anonymous, officer, home.id, body)
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == "800.50"
    assert (await _list(anonymous, officer, home.id))["items"][0]["amount"] == "800.50"
    finer = await _give(anonymous, officer, home.id, {**body, "amount": "1.005"})
    assert_invalid(finer, ["body", "amount"])


async def test_code_organisation_and_day_are_checked(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str], session: AsyncSession
) -> None:
    home = await create_household(app)
    cases = [
        ({"code": "gold_bars"}, ["body", "code"], "unknown_code"),
        (
            {"organization_id": str(uuid.uuid4())},
            ["body", "organization_id"],
            "not_found",
        ),
        (
            {"given_on": (TODAY + timedelta(days=1)).isoformat()},
            ["body", "given_on"],
            "date_in_future",
        ),
    ]
    for fields, loc, error in cases:
        assert_invalid(
            await _give(anonymous, officer, home.id, await _body(app, **fields)), loc, error
        )
    missing = await _give(anonymous, officer, home.id, {"code": "visit"})
    assert_invalid(missing, ["body", "given_on"])
    local = await add_dictionary_code(session, "measure", label_zh="助浴服务", label_en="Bathing")
    accepted = await _give(anonymous, officer, home.id, await _body(app, code=local))
    assert accepted.status_code == 201, accepted.text
    # A locally added code is no money measure: it carries no amount.
    with_amount = await _give(
        anonymous, officer, home.id, await _body(app, code=local, amount="5.00")
    )
    assert_invalid(with_amount, ["body", "amount"], "not_for_kind")


async def _plan(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    hid: Any,
    body: dict[str, Any],
    revision: int | None = None,
) -> dict[str, Any]:
    extra = {} if revision is None else {"If-Match": f'W/"{revision}"'}
    response = await http.put(
        f"/api/v1/households/{hid}/plan",
        json={"goals": "稳定生活", **body},
        headers={**headers, **extra},
    )
    assert response.status_code in (200, 201), response.text
    plan: dict[str, Any] = response.json()
    return plan


async def test_a_plan_item_link_must_name_an_item_of_the_current_plan(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    no_plan = await _give(
        anonymous, officer, home.id, await _body(app, plan_item_id=str(uuid.uuid4()))
    )
    assert_invalid(no_plan, ["body", "plan_item_id"], "unknown_plan_item")
    first = await _plan(
        anonymous, officer, home.id, {"planned_measures": ["定期走访", "申请临时救助"]}
    )
    visit, cash = (item["id"] for item in first["items"])
    linked = await _give(anonymous, officer, home.id, await _body(app, plan_item_id=visit))
    assert linked.status_code == 201, linked.text
    assert linked.json()["plan_item_id"] == visit
    # The next version drops the visit: new measures can no longer name it.
    await _plan(anonymous, officer, home.id, {"items": [{"id": cash, "text": "申请临时救助"}]}, 1)
    dropped = await _give(anonymous, officer, home.id, await _body(app, plan_item_id=visit))
    assert_invalid(dropped, ["body", "plan_item_id"], "unknown_plan_item")
    other = await create_household(app)
    elsewhere = await _give(anonymous, officer, other.id, await _body(app, plan_item_id=cash))
    assert_invalid(elsewhere, ["body", "plan_item_id"], "unknown_plan_item")


async def test_a_void_keeps_the_record_and_it_is_no_longer_counted(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    home = await create_household(app)
    measure = (await _give(anonymous, officer, home.id, await _body(app))).json()
    url = f"/api/v1/households/{home.id}/measures/{measure['id']}/void"
    blank = await anonymous.post(url, json={"reason": ""}, headers=officer)
    assert_invalid(blank, ["body", "reason"])
    response = await anonymous.post(url, json={"reason": "重复登记"}, headers=officer)
    assert response.status_code == 200, response.text
    voided = response.json()
    assert voided["void_reason"] == "重复登记"
    assert voided["voided_at"] is not None
    assert voided["voided_by"] == str(await user_id(app, "street_officer"))
    listed = (await _list(anonymous, officer, home.id))["items"]
    assert [(m["id"], m["void_reason"]) for m in listed] == [(measure["id"], "重复登记")]
    record = await household(anonymous, officer, home.id)
    assert "measures_or_no_help_reason" in record["missing_fields"]
    again = await anonymous.post(url, json={"reason": "再次"}, headers=officer)
    assert assert_problem(again, 409, "invalid_transition")["allowed"] == []
    other = await create_household(app)
    wrong_home = await anonymous.post(
        f"/api/v1/households/{other.id}/measures/{measure['id']}/void",
        json={"reason": "x"},
        headers=officer,
    )
    assert_problem(wrong_home, 404, "not_found")


@pytest.mark.parametrize("username", ["grid_worker", "district_officer", "auditor"])
async def test_grid_workers_district_officers_and_auditors_record_no_measures(
    app: FastAPI, anonymous: httpx.AsyncClient, username: str
) -> None:
    home = await create_household(app)
    headers = await bearer(anonymous, username)
    assert_problem(await _give(anonymous, headers, home.id, await _body(app)), 403, "forbidden")


async def test_community_and_assigned_social_workers_record_measures_in_their_reach(
    app: FastAPI, anonymous: httpx.AsyncClient, officer: dict[str, str]
) -> None:
    inside = await create_household(app, region="500112001001002")
    outside = await create_household(app, region="500112001002001")
    community = await bearer(anonymous, "community_worker")
    assert (await _give(anonymous, community, inside.id, await _body(app))).status_code == 201
    assert_problem(
        await _give(anonymous, community, outside.id, await _body(app)), 404, "not_found"
    )
    social = await open_to_social_worker(app, anonymous)
    assert_problem(await _give(anonymous, social, outside.id, await _body(app)), 404, "not_found")
    await assign_household(app, outside.id)
    given = await _give(
        anonymous, social, outside.id, await _body(app, code="psychological_support")
    )
    assert given.status_code == 201, given.text
    assert given.json()["created_by"] == str(await user_id(app, "social_worker"))
