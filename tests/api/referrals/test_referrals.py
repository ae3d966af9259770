"""Referrals sent by hand (DOMAIN 7): who sends, which needs, the due day in working days,
who reads which referral, and the audit of each."""

from datetime import date, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.households.models import HouseholdNeed
from tests.api.households.ledger_http import (
    bearer,
    fetch,
    open_to_social_worker,
    organization_id,
)
from tests.api.referrals.referrals_http import (
    HEALTH,
    MEDICAL_SECURITY,
    RED_CROSS,
    REFERRALS,
    department_officer_of,
    household_with_need,
    route,
    send,
)
from tests.factories import (
    GRID_B1_1,
    assign_household,
    create_demo_district,
    set_calendar_day,
)
from tests.problems import assert_invalid, assert_problem

TODAY = business_today()


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


def _body(need: object, receiver: object, **fields: object) -> dict[str, object]:
    return {"need_id": str(need), "receiver_organization_id": str(receiver), **fields}


class TestSend:
    async def test_a_need_referred_and_open_gets_no_twin_but_a_closed_one_may_be_sent_again(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        _, need = await household_with_need(app)
        body = _body(need, await organization_id(app, RED_CROSS))
        headers = await bearer(anonymous, "street_officer")
        first = await anonymous.post(REFERRALS, json=body, headers=headers)
        assert first.status_code == 201, first.text
        twin = await anonymous.post(REFERRALS, json=body, headers=headers)
        assert_problem(twin, 409, "referral_already_open")
        cancelled = await anonymous.post(
            f"{REFERRALS}/{first.json()['id']}/cancel",
            json={},
            headers={**headers, "If-Match": 'W/"1"'},
        )
        assert cancelled.status_code == 200, cancelled.text
        again = await anonymous.post(REFERRALS, json=body, headers=headers)
        assert again.status_code == 201, again.text

    async def test_a_street_officer_refers_a_need_of_its_street(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, need = await household_with_need(app)
        red_cross = await organization_id(app, RED_CROSS)
        response = await anonymous.post(
            REFERRALS,
            json=_body(need, red_cross, note="请核定大病救助"),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert response.status_code == 201, response.text
        sent = response.json()
        assert response.headers["Location"] == f"{REFERRALS}/{sent['id']}"
        assert response.headers["ETag"] == 'W/"1"'
        assert sent["status"] == "requested"
        assert sent["household_id"] == str(household.id)
        assert (sent["need_id"], sent["need_code"]) == (str(need), "medical")
        assert sent["source"] == "manual"
        assert sent["application_id"] is None
        assert sent["receiver_organization_name"] == RED_CROSS
        assert sent["sent_by"]["display_name"] == "双龙湖街道干部"
        assert sent["sender_region_code"] == "500112001"
        assert sent["sender_organization_id"] is None
        assert sent["sent_on"] == TODAY.isoformat()
        assert sent["note"] == "请核定大病救助"
        assert sent["overdue"] is False
        # The sender's side only cancels; the receiver's actions are not the sender's.
        assert sent["allowed"] == ["cancel"]
        [step] = sent["transitions"]
        assert (step["action"], step["from_status"], step["to_status"]) == (
            "send",
            None,
            "requested",
        )
        audited = await fetch(
            app, select(AuditEvent.action).where(AuditEvent.object_id == sent["id"])
        )
        assert ("referral.create",) in audited

    @pytest.mark.parametrize("username", ["community_worker", "district_officer"])
    async def test_the_community_and_the_district_send_too(
        self, app: FastAPI, anonymous: httpx.AsyncClient, username: str
    ) -> None:
        sent = await send(app, anonymous, username=username)
        assert sent["status"] == "requested"

    async def test_a_social_worker_sends_for_the_households_assigned_to_it(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, need = await household_with_need(app)
        _, other = await household_with_need(app)
        worker = await open_to_social_worker(app, anonymous)
        await assign_household(app, household.id)
        red_cross = await organization_id(app, RED_CROSS)
        sent = await anonymous.post(REFERRALS, json=_body(need, red_cross), headers=worker)
        assert sent.status_code == 201, sent.text
        assert sent.json()["allowed"] == ["cancel"]
        refused = await anonymous.post(REFERRALS, json=_body(other, red_cross), headers=worker)
        assert_invalid(refused, ["body", "need_id"], "not_found")

    async def test_a_social_worker_without_an_agreement_reads_no_referral(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, need = await household_with_need(app)
        await assign_household(app, household.id)
        red_cross = await organization_id(app, RED_CROSS)
        sent = await anonymous.post(
            REFERRALS,
            json=_body(need, red_cross, note="户主住院治疗"),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert sent.status_code == 201, sent.text
        worker = await bearer(anonymous, "social_worker")
        response = await anonymous.get(f"{REFERRALS}/{sent.json()['id']}", headers=worker)
        assert_problem(response, 403, "confidentiality_agreement_required")
        assert "住院" not in response.text

    async def test_a_household_of_another_street_is_not_found(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        _, need = await household_with_need(app, GRID_B1_1)
        response = await anonymous.post(
            REFERRALS,
            json=_body(need, await organization_id(app, RED_CROSS)),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["body", "need_id"], "not_found")

    async def test_unknown_need_and_organisation_are_422(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        officer = await bearer(anonymous, "street_officer")
        nothing = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e99"
        response = await anonymous.post(
            REFERRALS, json=_body(nothing, await organization_id(app, RED_CROSS)), headers=officer
        )
        assert_invalid(response, ["body", "need_id"], "not_found")
        _, need = await household_with_need(app)
        response = await anonymous.post(REFERRALS, json=_body(need, nothing), headers=officer)
        assert_invalid(response, ["body", "receiver_organization_id"], "not_found")

    async def test_a_need_met_or_withdrawn_is_not_referred(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        _, need = await household_with_need(app)
        async with app.state.services.database.sessionmaker() as session, session.begin():
            (await session.get(HouseholdNeed, need)).status = "met"  # type: ignore[union-attr]
        response = await anonymous.post(
            REFERRALS,
            json=_body(need, await organization_id(app, RED_CROSS)),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["body", "need_id"], "need_not_live")

    @pytest.mark.parametrize("username", ["grid_worker", "department_officer", "auditor", "admin"])
    async def test_roles_that_do_not_send_are_403(
        self, app: FastAPI, anonymous: httpx.AsyncClient, username: str
    ) -> None:
        _, need = await household_with_need(app)
        response = await anonymous.post(
            REFERRALS,
            json=_body(need, await organization_id(app, RED_CROSS)),
            headers=await bearer(anonymous, username),
        )
        assert_problem(response, 403, "forbidden")

    async def test_unknown_fields_are_422(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        _, need = await household_with_need(app)
        response = await anonymous.post(
            REFERRALS,
            json=_body(need, await organization_id(app, RED_CROSS), status="completed"),
            headers=await bearer(anonymous, "street_officer"),
        )
        assert_invalid(response, ["body", "status"], "unknown_field")


class TestDueDay:
    async def test_the_rule_of_the_need_and_kind_counts_working_days_over_days_off(
        self, app: FastAPI, session: AsyncSession, anonymous: httpx.AsyncClient
    ) -> None:
        """Two days off right after today (a holiday, or a weekend) push a 1-working-day
        referral to the third day."""
        await route(anonymous, "medical", "red_cross", 1)
        for offset in (1, 2):
            day = (TODAY + timedelta(days=offset)).isoformat()
            await set_calendar_day(session, day, is_working_day=False, name="测试假日")
        await set_calendar_day(
            session, (TODAY + timedelta(days=3)).isoformat(), is_working_day=True, name="调休"
        )
        sent = await send(app, anonymous)
        assert sent["due_working_days"] == 1
        assert date.fromisoformat(sent["due_on"]) == TODAY + timedelta(days=3)

    async def test_without_a_rule_the_setting_applies(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        await route(anonymous, "medical", "red_cross", 3)
        sent = await send(app, anonymous, receiver=MEDICAL_SECURITY)
        assert sent["due_working_days"] == app.state.services.settings.referral_due_working_days
        assert date.fromisoformat(sent["due_on"]) > TODAY


class TestRead:
    async def test_a_department_officer_reads_only_what_is_addressed_to_it(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        ours = await send(app, anonymous)
        theirs = await send(app, anonymous, receiver=HEALTH)
        officer = await bearer(anonymous, "department_officer")
        listed = await anonymous.get(REFERRALS, headers=officer)
        assert [r["id"] for r in listed.json()["items"]] == [ours["id"]]
        shown = await anonymous.get(f"{REFERRALS}/{ours['id']}", headers=officer)
        assert shown.status_code == 200
        assert shown.json()["allowed"] == ["receive"]
        hidden = await anonymous.get(f"{REFERRALS}/{theirs['id']}", headers=officer)
        assert_problem(hidden, 404, "not_found")

    async def test_another_street_does_not_see_it(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        sent = await send(app, anonymous)
        other = await bearer(anonymous, "street_officer_2")
        assert_problem(
            await anonymous.get(f"{REFERRALS}/{sent['id']}", headers=other), 404, "not_found"
        )
        listed = await anonymous.get(REFERRALS, headers=other)
        assert listed.json()["items"] == []
        district = await anonymous.get(
            REFERRALS, headers=await bearer(anonymous, "district_officer")
        )
        assert [r["id"] for r in district.json()["items"]] == [sent["id"]]

    async def test_filters(self, app: FastAPI, anonymous: httpx.AsyncClient) -> None:
        first = await send(app, anonymous)
        second = await send(app, anonymous, receiver=HEALTH)
        officer = await bearer(anonymous, "street_officer")
        by_receiver = await anonymous.get(
            REFERRALS,
            params={"receiver_organization_id": str(await organization_id(app, HEALTH))},
            headers=officer,
        )
        assert [r["id"] for r in by_receiver.json()["items"]] == [second["id"]]
        by_household = await anonymous.get(
            REFERRALS, params={"household_id": first["household_id"]}, headers=officer
        )
        assert [r["id"] for r in by_household.json()["items"]] == [first["id"]]
        by_status = await anonymous.get(REFERRALS, params={"status": "completed"}, headers=officer)
        assert by_status.json()["items"] == []
        by_region = await anonymous.get(REFERRALS, params={"region": "500112002"}, headers=officer)
        assert by_region.json()["items"] == []

    async def test_an_officer_of_another_organisation_sees_nothing(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        sent = await send(app, anonymous)
        await department_officer_of(app, HEALTH, "health_officer")
        other = await bearer(anonymous, "health_officer")
        assert_problem(
            await anonymous.get(f"{REFERRALS}/{sent['id']}", headers=other), 404, "not_found"
        )
        assert (await anonymous.get(REFERRALS, headers=other)).json()["items"] == []
