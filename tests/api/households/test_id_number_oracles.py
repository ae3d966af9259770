"""A role that sees an ID number masked cannot confirm it by any route (issue 12).

A grid worker is shown `500112********0027`, the sex and the age: the birth
date hidden in the middle has a few dozen candidates that fit, and any route
that takes a number and answers differently for the right one (a search, a
member or household entered with it, a file of them) would tell it which.
Such routes are only for roles that see numbers whole; for those, every
lookup spends the account's budget of the minute and is audited with the
number's blind index, never the number.
"""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.core.config import Settings
from app.core.db import utcnow
from app.core.id_numbers import check_character
from app.households.models import Membership, PersonLookupBudget
from app.households.plausibility import age_on
from app.imports.models import Import
from app.main import create_app
from tests.api.households.ledger_http import bearer, fetch, member, user_id
from tests.api.households.records import assign_to_social_worker
from tests.factories import GRID_A1_1, create_demo_district, create_household, id_number
from tests.problems import assert_problem

SEARCH = "/api/v1/persons/search"
NUMBER = id_number(birth="1952-07-09", sex="female", seq=7)


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def home(app: FastAPI) -> Any:
    """A household of grid 500112001001001, whose head has `NUMBER`."""
    return await create_household(
        app, members=[{"name": "张秀英", "relation_to_head": "self", "id_number": NUMBER}]
    )


def _candidates(masked: str, sex: str, age: int) -> list[str]:
    """Every valid number that fits what a grid worker is shown: the masked number's ends,
    a birth date that gives the age, the check character."""
    today = business_today()
    found = []
    day = date(today.year - age - 1, 1, 1)
    while day <= today:
        first17 = f"{masked[:6]}{day:%Y%m%d}{masked[-4:-1]}"
        fits = age_on(day, today) == age and check_character(first17) == masked[-1]
        if fits and int(masked[-2]) % 2 == (1 if sex == "male" else 0):
            found.append(first17 + masked[-1])
        day += timedelta(days=1)
    return found


def _without_request(response: httpx.Response) -> tuple[int, Any]:
    body = response.json()
    return response.status_code, {
        k: v for k, v in body.items() if k not in ("instance", "request_id")
    }


async def _grid_workers_candidates(http: httpx.AsyncClient, home: Any) -> list[str]:
    response = await http.get(
        f"/api/v1/households/{home.id}", headers=await bearer(http, "grid_worker")
    )
    shown = response.json()["members"][0]
    candidates = _candidates(shown["id_number"], shown["sex"], shown["age"])
    assert NUMBER in candidates
    assert 10 <= len(candidates) <= 60, len(candidates)
    return candidates


async def test_a_grid_worker_cannot_confirm_a_masked_number_by_searching(
    app: FastAPI, anonymous: httpx.AsyncClient, home: Any
) -> None:
    candidates = await _grid_workers_candidates(anonymous, home)
    headers = await bearer(anonymous, "grid_worker")
    answers = [
        _without_request(await anonymous.post(SEARCH, json={"id_number": n}, headers=headers))
        for n in candidates
    ]
    assert all(answer == answers[0] for answer in answers)
    refused = await anonymous.post(SEARCH, json={"id_number": NUMBER}, headers=headers)
    body = assert_problem(refused, 403, "forbidden")
    assert "id_number" not in body["detail"]
    denied = await fetch(
        app,
        select(AuditEvent.action).where(
            AuditEvent.actor == f"user:{await user_id(app, 'grid_worker')}"
        ),
    )
    assert {row[0] for row in denied} >= {"denied:households:read+id_number"}
    assert await fetch(app, select(AuditEvent).where(AuditEvent.action == "person.search")) == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("members", lambda number: member("child", id_number=number)),
        (
            "households",
            lambda number: {
                "region_code": GRID_A1_1,
                "address": "百果园 9 号",
                "members": [member("self", id_number=number)],
            },
        ),
    ],
)
async def test_a_grid_worker_cannot_confirm_it_by_entering_the_number(
    app: FastAPI, anonymous: httpx.AsyncClient, home: Any, path: str, body: Any
) -> None:
    """Once, the right number answered 409 and a wrong one 201 (a member or household)."""
    candidates = await _grid_workers_candidates(anonymous, home)
    wrong = next(n for n in candidates if n != NUMBER)
    headers = await bearer(anonymous, "grid_worker")
    url = f"/api/v1/households/{home.id}/members" if path == "members" else "/api/v1/households"
    answers = [
        await anonymous.post(url, json=body(number), headers=headers) for number in (NUMBER, wrong)
    ]
    assert _without_request(answers[0]) == _without_request(answers[1])
    assert_problem(answers[0], 403, "forbidden")
    rows = await fetch(app, select(Membership.household_id))
    assert [row[0] for row in rows] == [home.id]


async def test_a_grid_worker_cannot_confirm_it_by_importing_a_file(
    app: FastAPI, anonymous: httpx.AsyncClient, home: Any
) -> None:
    """Once, a dry run reported which rows' numbers are in the ledger already."""
    from tests.api.imports.conftest import csv_file, person, upload
    from tests.conftest import sign_in

    candidates = await _grid_workers_candidates(anonymous, home)
    token = await sign_in(anonymous, "grid_worker")
    rows = [person(f"H{i}", number=n) for i, n in enumerate(candidates)]
    response = await upload(anonymous, token, csv_file(rows), dry_run="true")
    assert_problem(response, 403, "forbidden")
    assert await fetch(app, select(Import.id)) == []


async def test_an_auditor_without_a_grant_may_not_search_and_with_one_may(
    app: FastAPI, anonymous: httpx.AsyncClient, home: Any
) -> None:
    auditor = await bearer(anonymous, "auditor")
    refused = await anonymous.post(SEARCH, json={"id_number": NUMBER}, headers=auditor)
    assert_problem(refused, 403, "forbidden")
    start = utcnow() - timedelta(minutes=1)
    granted = await anonymous.post(
        "/api/v1/auditor-grants",
        json={
            "auditor_id": str(await user_id(app, "auditor")),
            "region_code": "500112001",
            "reason": "第四季度台账抽查",
            "valid_from": start.isoformat(),
            "valid_until": (start + timedelta(hours=2)).isoformat(),
        },
        headers=await bearer(anonymous, "district_officer"),
    )
    assert granted.status_code == 201, granted.text
    found = await anonymous.post(
        SEARCH, json={"id_number": NUMBER}, headers=await bearer(anonymous, "auditor")
    )
    assert found.status_code == 200, found.text
    assert [m["household_id"] for m in found.json()["items"]] == [str(home.id)]


async def test_a_social_worker_without_an_agreement_is_refused_known_or_not(
    app: FastAPI, anonymous: httpx.AsyncClient, home: Any
) -> None:
    """Once, only a number of an assigned household met the agreement check (403), and an
    unknown one answered 200 []."""
    await assign_to_social_worker(app, anonymous, str(home.id))
    headers = await bearer(anonymous, "social_worker")
    answers = [
        await anonymous.post(SEARCH, json={"id_number": number}, headers=headers)
        for number in (NUMBER, id_number())
    ]
    assert _without_request(answers[0]) == _without_request(answers[1])
    assert_problem(answers[0], 403, "confidentiality_agreement_required")


class TestBudget:
    """Each account may look up `person_lookups_per_minute` numbers a minute, in every process."""

    async def test_searches_past_the_budget_are_429_in_every_process(
        self, app: FastAPI, anonymous: httpx.AsyncClient, settings: Settings, home: Any
    ) -> None:
        budget = settings.person_lookups_per_minute
        other_process = create_app(settings)
        transport = httpx.ASGITransport(app=other_process, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as two:
                headers = await bearer(anonymous, "street_officer")
                for index in range(budget):
                    http = anonymous if index % 2 else two
                    found = await http.post(SEARCH, json={"id_number": NUMBER}, headers=headers)
                    assert found.status_code == 200, found.text
                for http in (anonymous, two):
                    refused = await http.post(SEARCH, json={"id_number": NUMBER}, headers=headers)
                    assert_problem(refused, 429, "too_many_person_lookups")
                    assert 1 <= int(refused.headers["retry-after"]) <= 60
        finally:
            await other_process.state.services.database.dispose()
        entering = await anonymous.post(
            f"/api/v1/households/{home.id}/members", json=member("child"), headers=headers
        )
        assert_problem(entering, 429, "too_many_person_lookups")
        others = await bearer(anonymous, "community_worker")
        assert (await anonymous.post(SEARCH, json={"id_number": NUMBER}, headers=others)).json()[
            "items"
        ]
        denied = await fetch(
            app, select(AuditEvent.actor).where(AuditEvent.action == "denied:person.lookup")
        )
        assert {row[0] for row in denied} == {f"user:{await user_id(app, 'street_officer')}"}
        assert len(denied) == 3

    async def test_the_budget_comes_back_after_a_minute(
        self, app: FastAPI, anonymous: httpx.AsyncClient, settings: Settings, home: Any
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        for _ in range(settings.person_lookups_per_minute + 1):
            last = await anonymous.post(SEARCH, json={"id_number": NUMBER}, headers=headers)
        assert_problem(last, 429, "too_many_person_lookups")
        async with app.state.services.database.sessionmaker() as session, session.begin():
            await session.execute(
                update(PersonLookupBudget).values(window_start=utcnow() - timedelta(seconds=61))
            )
        again = await anonymous.post(SEARCH, json={"id_number": NUMBER}, headers=headers)
        assert again.status_code == 200, again.text

    async def test_each_member_entered_with_a_household_spends_one(
        self, anonymous: httpx.AsyncClient, settings: Settings
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        members = [member("self")] + [member("child") for _ in range(19)]
        created = await anonymous.post(
            "/api/v1/households",
            json={"region_code": GRID_A1_1, "address": "百果园 8 号", "members": members},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        left = settings.person_lookups_per_minute - len(members)
        for _ in range(left):
            found = await anonymous.post(SEARCH, json={"id_number": NUMBER}, headers=headers)
            assert found.status_code == 200, found.text
        refused = await anonymous.post(SEARCH, json={"id_number": NUMBER}, headers=headers)
        assert_problem(refused, 429, "too_many_person_lookups")


async def test_every_lookup_is_audited_with_the_blind_index_never_the_number(
    app: FastAPI, anonymous: httpx.AsyncClient, home: Any
) -> None:
    officer_b = await bearer(anonymous, "street_officer_2")
    searched = await anonymous.post(SEARCH, json={"id_number": NUMBER}, headers=officer_b)
    assert (searched.status_code, searched.json()["items"]) == (200, [])
    other_street = await create_household(app, region="500112002001001")
    duplicate = await anonymous.post(
        f"/api/v1/households/{other_street.id}/members",
        json=member("child", id_number=NUMBER),
        headers=officer_b,
    )
    body = assert_problem(duplicate, 409, "person_already_in_household")
    assert "household_id" not in body
    events = await fetch(
        app,
        select(AuditEvent.action, AuditEvent.outcome, AuditEvent.object_type, AuditEvent.object_id)
        .where(AuditEvent.action.in_(["person.search", "person.duplicate"]))
        .order_by(AuditEvent.action),
    )
    index = app.state.services.vault.index(NUMBER)
    assert [tuple(e) for e in events] == [
        ("person.duplicate", "failed", "id_number_index", index),
        ("person.search", "success", "id_number_index", index),
    ]
    assert NUMBER not in repr(await fetch(app, select(AuditEvent)))


MASKED_FIELDS = {"name", "id_number", "phone", "birth_date", "age", "order", "order_by"}
NAME_FILTERS = {("/api/v1/households", "get", "name")}
"""Filters by a masked field that are refused (403) to every role that sees it masked
(`test_household_list_screens.py::TestHeadName`): the filter is open only to those who see
the field whole anyway."""


def test_no_ledger_list_filters_or_orders_by_a_masked_field(document: dict[str, Any]) -> None:
    """Filtering or ordering by a field a role sees masked would confirm its value too."""
    offered = {
        (path, method, parameter["name"])
        for path, operations in document["paths"].items()
        if path.startswith(("/api/v1/households", "/api/v1/persons"))
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] in MASKED_FIELDS
    }
    assert offered == NAME_FILTERS
    sorts = {
        parameter["schema"]["pattern"]
        for operations in document["paths"].values()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] == "sort"
    }
    assert sorts, "the household list sorts"
    for pattern in sorts:
        assert not any(field in pattern for field in MASKED_FIELDS), pattern


async def test_a_refused_number_is_never_echoed(anonymous: httpx.AsyncClient, home: Any) -> None:
    officer = await bearer(anonymous, "street_officer")
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    for response in (
        await anonymous.post(SEARCH, json={"id_number": wrong}, headers=officer),
        await anonymous.post(
            f"/api/v1/households/{home.id}/members",
            json=member("child", id_number=wrong),
            headers=officer,
        ),
        await anonymous.post(
            f"/api/v1/households/{home.id}/members",
            json=member("child", id_number=NUMBER),
            headers=officer,
        ),
    ):
        assert response.status_code in (409, 422), response.text
        assert wrong not in response.text
        assert NUMBER not in response.text
