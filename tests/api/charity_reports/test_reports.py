"""The charity federation's monthly needs report through the API, with real sign-in: the
figures against hand-built ledgers, the workbook, who reads it, versions and the event."""

import asyncio
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.charity_reports import rules
from app.charity_reports.models import CharityReport
from app.charity_reports.service import generate
from app.core.clock import business_today
from app.core.db import utcnow
from app.core.events import DomainEvent
from tests.api.charity_reports.charity_http import (
    CHARITY,
    REPORTS,
    at,
    client_bearer,
    consent_to_charity,
    entered_on,
    generated,
    refer,
    set_need,
    withdraw,
)
from tests.api.charity_reports.charity_http import (
    generate as post_report,
)
from tests.api.households.ledger_http import (
    bearer,
    exit_household,
    fetch,
    organization_id,
    user_id,
)
from tests.api.referrals.referrals_http import set_row
from tests.api.webhooks.flow import deliveries, fan_out, subscribe
from tests.factories import GRID_A1_1, GRID_B1_1, create_household
from tests.problems import assert_problem

TODAY = business_today()
THIS_MONTH = f"{TODAY.year:04d}-{TODAY.month:02d}"
LAST_MONTH = rules.previous_month(TODAY)


@pytest.fixture
async def ledger(app: FastAPI, http: httpx.AsyncClient) -> dict[str, Any]:
    """Street A (双龙湖街道): `listed` (dibao; medical and housing; medical referred to the
    Red Cross, open; consent to the charity federation in force), `unlisted` (no type;
    medical; its referral completed; its consent withdrawn), and four that do not count: an
    exited household, a withdrawn need, a met need, and a household of street B."""
    listed = await create_household(app, needs=["medical", "housing"], target_types=["dibao"])
    await refer(app, http, listed, "medical")
    await consent_to_charity(app, http, listed, TODAY)
    unlisted = await create_household(app, needs=["medical"])
    closed = await refer(app, http, unlisted, "medical")
    await set_row(app, closed["id"], status="completed", closed_at=utcnow() - timedelta(hours=1))
    await withdraw(http, await consent_to_charity(app, http, unlisted, TODAY))
    exited = await create_household(app, needs=["medical"])
    await consent_to_charity(app, http, exited, TODAY)
    assert (await exit_household(http, exited.id)).status_code == 200
    withdrawn = await create_household(app, needs=["care"])
    response = await http.patch(
        f"/api/v1/households/{withdrawn.id}",
        json={"needs": []},
        headers={**await bearer(http, "street_officer"), "If-Match": 'W/"1"'},
    )
    assert response.status_code == 200, response.text
    met = await create_household(app, needs=["education"])
    await set_need(app, met.id, "education", status="met", status_changed_at=utcnow())
    await create_household(app, region=GRID_B1_1, needs=["medical"])
    return {"listed": listed, "unlisted": unlisted}


class TestFigures:
    async def test_counts_live_needs_open_referrals_and_types_and_lists_only_consented(
        self, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        report = await generated(http, THIS_MONTH)
        assert (report["region_code"], report["month"], report["version"]) == (
            "500112001",
            THIS_MONTH,
            1,
        )
        assert report["as_of"] == TODAY.isoformat()
        assert report["generated_by"].startswith("user:")
        listed = ledger["listed"]
        assert report["body"] == {
            "households": 2,
            "needs": [
                {
                    "code": "housing",
                    "households": 1,
                    "with_open_referral": 0,
                    "referred_to": {},
                    "target_types": {"dibao": 1},
                },
                {
                    "code": "medical",
                    "households": 2,
                    "with_open_referral": 1,
                    "referred_to": {"red_cross": 1},
                    "target_types": {"dibao": 1, "none": 1},
                },
            ],
            "listed": [
                {
                    "household_id": str(listed.id),
                    "ledger_number": listed.ledger_number,
                    "region_code": GRID_A1_1,
                    "needs": ["housing", "medical"],
                }
            ],
            "not_listed": 1,
        }
        again = await http.get(
            f"{REPORTS}/{report['id']}", headers=await bearer(http, "street_officer")
        )
        assert again.status_code == 200
        assert again.json() == report

    async def test_a_past_month_counts_what_was_live_at_its_end(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        """Last month: a need met since the month ended was live at its end; one noted
        since, or of a household that entered the ledger since, was not."""
        last_day = TODAY.replace(day=1) - timedelta(days=1)
        before = last_day - timedelta(days=20)
        met_since = await create_household(app, needs=["medical"])
        await entered_on(app, met_since.id, before)
        await set_need(
            app, met_since.id, "medical", noted_on=before, status="met", status_changed_at=utcnow()
        )
        met_before = await create_household(app, needs=["medical"])
        await entered_on(app, met_before.id, before)
        await set_need(
            app,
            met_before.id,
            "medical",
            noted_on=before,
            status="met",
            status_changed_at=at(last_day - timedelta(days=1)),
        )
        await create_household(app, needs=["medical"])  # entered and noted this month
        report = await generated(http, LAST_MONTH)
        assert report["as_of"] == last_day.isoformat()
        assert report["body"]["households"] == 1
        assert [(n["code"], n["households"]) for n in report["body"]["needs"]] == [("medical", 1)]
        current = await generated(http, THIS_MONTH)
        assert [(n["code"], n["households"]) for n in current["body"]["needs"]] == [("medical", 1)]

    async def test_the_workbook_holds_the_same_figures(
        self, http: httpx.AsyncClient, ledger: dict[str, Any]
    ) -> None:
        report = await generated(http, THIS_MONTH)
        response = await http.get(
            f"{REPORTS}/{report['id']}/export", headers=await bearer(http, "district_officer")
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert "attachment" in response.headers["content-disposition"]
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0][:3] == ["慈善救助需求月报", "500112001", THIS_MONTH]
        assert rows[2][:4] == ["有需求户数", 2, "未列明户数（未授权共享）", 1]
        assert rows[5][:5] == ["housing", 1, 0, None, "dibao:1"]
        assert rows[6][:5] == ["medical", 2, 1, "red_cross:1", "dibao:1; none:1"]
        listed = ledger["listed"]
        assert rows[9][:4] == [listed.ledger_number, str(listed.id), GRID_A1_1, "housing; medical"]
        assert len(rows) == 10


class TestVersionsAndValidation:
    async def test_regenerating_adds_a_version_and_keeps_the_first(
        self, http: httpx.AsyncClient
    ) -> None:
        first = await generated(http, THIS_MONTH)
        second = await generated(http, THIS_MONTH, username="district_officer")
        assert (first["version"], second["version"]) == (1, 2)
        listed = await http.get(
            REPORTS, params={"month": THIS_MONTH}, headers=await bearer(http, "street_officer")
        )
        assert listed.status_code == 200
        assert [(r["id"], r["version"]) for r in listed.json()["items"]] == [
            (second["id"], 2),
            (first["id"], 1),
        ]
        assert "body" not in listed.json()["items"][0]

    async def test_future_month_and_non_street_are_422(self, http: httpx.AsyncClient) -> None:
        following = TODAY.replace(day=28) + timedelta(days=5)
        response = await post_report(http, f"{following.year:04d}-{following.month:02d}")
        assert_problem(response, 422, "validation_failed")
        assert response.json()["errors"][0]["code"] == "month_in_future"
        community = await post_report(http, THIS_MONTH, region="500112001001", username="admin")
        assert_problem(community, 422, "validation_failed")
        unknown = await post_report(http, THIS_MONTH, region="500112099", username="admin")
        assert_problem(unknown, 422, "validation_failed")
        assert unknown.json()["errors"][0]["code"] == "not_found"
        bad_month = await post_report(http, "2026-13")
        assert_problem(bad_month, 422, "validation_failed")


class TestScope:
    async def test_a_street_generates_for_itself_only_and_reads_no_other(
        self, http: httpx.AsyncClient
    ) -> None:
        other = await post_report(http, THIS_MONTH, region="500112002")
        assert_problem(other, 422, "validation_failed")
        assert other.json()["errors"][0]["code"] == "region_out_of_scope"
        report = await generated(http, THIS_MONTH, region="500112002", username="district_officer")
        officer = await bearer(http, "street_officer")
        assert_problem(
            await http.get(f"{REPORTS}/{report['id']}", headers=officer), 404, "not_found"
        )
        assert_problem(
            await http.get(f"{REPORTS}/{report['id']}/export", headers=officer), 404, "not_found"
        )
        listed = await http.get(REPORTS, headers=officer)
        assert listed.json()["items"] == []
        own = await http.get(REPORTS, headers=await bearer(http, "street_officer_2"))
        assert [r["id"] for r in own.json()["items"]] == [report["id"]]

    async def test_a_community_worker_is_refused(self, http: httpx.AsyncClient) -> None:
        headers = await bearer(http, "community_worker")
        assert_problem(await http.get(REPORTS, headers=headers), 403, "forbidden")

    async def test_the_charity_federation_reads_it_and_the_red_cross_does_not(
        self, http: httpx.AsyncClient
    ) -> None:
        report = await generated(http, THIS_MONTH)
        charity = await client_bearer(http, "charity-federation")
        found = await http.get(f"{REPORTS}/{report['id']}", headers=charity)
        assert found.status_code == 200, found.text
        assert found.json() == report
        workbook = await http.get(f"{REPORTS}/{report['id']}/export", headers=charity)
        assert workbook.status_code == 200
        listed = await http.get(REPORTS, headers=charity)
        assert [r["id"] for r in listed.json()["items"]] == [report["id"]]
        red_cross = await client_bearer(http, "red-cross")
        assert_problem(
            await http.get(f"{REPORTS}/{report['id']}", headers=red_cross), 404, "not_found"
        )
        none = await http.get(REPORTS, headers=red_cross)
        assert none.status_code == 200, none.text
        assert none.json() == {"items": [], "next_cursor": None}

    async def test_an_auditor_reads_under_a_grant_only(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        report = await generated(http, THIS_MONTH)
        auditor = await bearer(http, "auditor")
        assert_problem(
            await http.get(f"{REPORTS}/{report['id']}", headers=auditor), 404, "not_found"
        )
        start = utcnow() - timedelta(minutes=1)
        granted = await http.post(
            "/api/v1/auditor-grants",
            json={
                "auditor_id": str(await user_id(app, "auditor")),
                "region_code": "500112001",
                "reason": "慈善需求报送抽查",
                "valid_from": start.isoformat(),
                "valid_until": (start + timedelta(hours=2)).isoformat(),
            },
            headers=await bearer(http, "district_officer"),
        )
        assert granted.status_code == 201, granted.text
        auditor = await bearer(http, "auditor")
        found = await http.get(f"{REPORTS}/{report['id']}", headers=auditor)
        assert found.status_code == 200, found.text


class TestEvent:
    async def test_generating_publishes_the_event_to_the_charity_federation(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        report = await generated(http, THIS_MONTH)
        [(payload,)] = await fetch(
            app,
            select(DomainEvent.payload).where(DomainEvent.name == "charity_report.generated"),
        )
        assert payload == {
            "report_id": report["id"],
            "region_code": "500112001",
            "month": THIS_MONTH,
            "organizations": [str(await organization_id(app, CHARITY))],
        }

    async def test_the_charity_federations_subscription_gets_the_webhook_and_no_other(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        kinds = ["charity_report.generated"]
        charity = await subscribe(
            http,
            await client_bearer(http, "charity-federation"),
            "https://hooks.charity.example.cn/sanzhu",
            event_types=kinds,
        )
        await subscribe(
            http,
            await client_bearer(http, "red-cross"),
            "https://hooks.redcross.example.cn/sanzhu",
            event_types=kinds,
        )
        report = await generated(http, THIS_MONTH)
        await fan_out(app)
        [delivery] = await deliveries(app)
        assert str(delivery.subscription_id) == charity["id"]
        assert delivery.event_type == "charity_report.generated"
        assert delivery.data == {
            "report_id": report["id"],
            "region_code": "500112001",
            "month": THIS_MONTH,
        }

    async def test_a_rolled_back_generation_leaves_no_report_and_no_event(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        period = rules.period(THIS_MONTH, TODAY, utcnow())
        assert period is not None
        seen: list[int] = []

        async def fails_after_writing() -> None:
            async with app.state.services.database.sessionmaker() as session, session.begin():
                await generate(session, "500112001", period, "system")
                seen.append(int(await session.scalar(select(func.count(DomainEvent.id))) or 0))
                raise RuntimeError("the change fails after the report was written")

        with pytest.raises(RuntimeError):
            await fails_after_writing()
        assert seen == [1]
        assert await fetch(app, select(CharityReport.id)) == []
        assert await fetch(app, select(DomainEvent.id)) == []


async def test_a_withdrawn_consent_stops_the_listing_for_the_charity_federation(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    """The stored report listed the household; once its consent is withdrawn the charity
    federation's client no longer sees it listed (counted instead), staff still do."""
    household = await create_household(app, needs=["care"])
    given = await consent_to_charity(app, http, household, TODAY)
    report = await generated(http, THIS_MONTH)
    url = f"{REPORTS}/{report['id']}"
    charity = await client_bearer(http, "charity-federation")
    before = (await http.get(url, headers=charity)).json()["body"]
    assert [h["household_id"] for h in before["listed"]] == [str(household.id)]

    await withdraw(http, given)

    after = (await http.get(url, headers=charity)).json()["body"]
    assert (after["listed"], after["not_listed"]) == ([], before["not_listed"] + 1)
    workbook = load_workbook(io.BytesIO((await http.get(f"{url}/export", headers=charity)).content))
    assert str(household.id) not in {c for row in workbook.active.values for c in row}
    staff = (await http.get(url, headers=await bearer(http, "street_officer"))).json()["body"]
    assert [h["household_id"] for h in staff["listed"]] == [str(household.id)]


async def test_the_listing_for_the_charity_federation_stops_after_the_consents_end_day(
    app: FastAPI, http: httpx.AsyncClient, today_is: Callable[[date], None]
) -> None:
    """Listed on the consent's end day, counted instead the day after; staff still see the
    report as stored."""
    household = await create_household(app, needs=["care"])
    until = TODAY + timedelta(days=3)
    await consent_to_charity(app, http, household, TODAY, valid_until=until)
    report = await generated(http, THIS_MONTH)
    url = f"{REPORTS}/{report['id']}"
    charity = await client_bearer(http, "charity-federation")

    async def listed_for_charity(day: date) -> tuple[list[str], int]:
        today_is(day)
        response = await http.get(url, headers=charity)
        assert response.status_code == 200, response.text
        body = response.json()["body"]
        return [h["household_id"] for h in body["listed"]], body["not_listed"]

    on_the_end_day = await listed_for_charity(until)
    assert on_the_end_day[0] == [str(household.id)]
    assert await listed_for_charity(until + timedelta(days=1)) == ([], on_the_end_day[1] + 1)
    staff = (await http.get(url, headers=await bearer(http, "street_officer"))).json()["body"]
    assert [h["household_id"] for h in staff["listed"]] == [str(household.id)]


async def test_a_report_generated_after_the_consents_end_day_does_not_list_the_household(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    household = await create_household(
        app,
        needs=["care"],
        members=[{"name": "张秀英", "relation_to_head": "self", "joined_on": "2020-01-01"}],
    )
    ended = TODAY - timedelta(days=1)
    await consent_to_charity(app, http, household, ended, valid_until=ended)
    body = (await generated(http, THIS_MONTH))["body"]
    assert body["listed"] == []
    assert body["not_listed"] == 1


async def test_racing_requests_for_one_street_and_month_take_versions_in_turn(
    http: httpx.AsyncClient,
) -> None:
    """The month's lock orders them: every request is answered 201 with its own version."""
    headers = await bearer(http, "street_officer")
    answers = await asyncio.gather(
        *(
            http.post(
                REPORTS, json={"region_code": "500112001", "month": THIS_MONTH}, headers=headers
            )
            for _ in range(4)
        )
    )
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert sorted(a.json()["version"] for a in answers) == [1, 2, 3, 4]
