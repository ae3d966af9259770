"""Completing a referral closes the loop in the household's ledger (DOMAIN 4, 7): what was
given is recorded as the receiving organisation's measure (帮扶措施), counted where measures
count (the Red Cross yearly cap), and the need the referral answers follows all its
referrals: being met while one is worked on, met once all are closed and one helped, open
again when none helped."""

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from tests.api.households.ledger_http import bearer, exit_household, organization_id
from tests.api.red_cross.red_cross_http import (
    HOSPITAL,
    QUOTES,
    create_terms,
    partner_headers,
    quote_body,
)
from tests.api.referrals.referrals_http import (
    HEALTH,
    MEDICAL_SECURITY,
    RED_CROSS,
    REFERRALS,
    act,
    department_officer_of,
    household_with_need,
    refer_need,
    send,
    set_row,
)
from tests.factories import create_demo_district, create_organization
from tests.problems import assert_invalid

AID = {"outcome": "已发放大病救助金", "measure": "red_cross_major_illness_aid", "amount": "3000.00"}
MEDICAL_SECURITY_OFFICER = "medical_security_officer"
TODAY = business_today().isoformat()


@pytest.fixture(autouse=True)
async def seeded(app: FastAPI, session: AsyncSession) -> None:
    await create_demo_district(session)
    await create_organization(session, kind="medical_security", name=MEDICAL_SECURITY)
    await create_organization(session, kind="health", name=HEALTH)
    await department_officer_of(app, MEDICAL_SECURITY, MEDICAL_SECURITY_OFFICER)
    await department_officer_of(app, HEALTH, "health_officer")


async def _to(
    http: httpx.AsyncClient,
    referral: dict[str, Any],
    actions: list[str],
    username: str = "department_officer",
    **last: Any,
) -> dict[str, Any]:
    """Take `actions` in turn as `username`, the last one with `last`'s fields."""
    current = referral
    for index, action in enumerate(actions):
        fields = last if index == len(actions) - 1 else {}
        response = await act(http, current, action, username, **fields)
        assert response.status_code == 200, response.text
        current = response.json()
    return current


async def _measures(http: httpx.AsyncClient, household_id: str) -> list[dict[str, Any]]:
    response = await http.get(
        f"/api/v1/households/{household_id}/measures", headers=await bearer(http, "street_officer")
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _need(http: httpx.AsyncClient, household_id: str, need_id: str) -> dict[str, Any]:
    response = await http.get(
        f"/api/v1/households/{household_id}/needs", headers=await bearer(http, "street_officer")
    )
    assert response.status_code == 200, response.text
    return next(n for n in response.json()["items"] if n["id"] == need_id)


async def _household_needs(http: httpx.AsyncClient, household_id: str) -> list[str]:
    response = await http.get(
        f"/api/v1/households/{household_id}", headers=await bearer(http, "street_officer")
    )
    assert response.status_code == 200, response.text
    needs: list[str] = response.json()["needs"]
    return needs


class TestTheMeasureGiven:
    async def test_completion_records_the_receivers_measure_in_the_ledger(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        referral = await send(app, anonymous)
        assert await _measures(anonymous, referral["household_id"]) == []
        done = await _to(anonymous, referral, ["receive", "accept", "start", "complete"], **AID)
        assert (done["status"], done["measure"], done["amount"]) == (
            "completed",
            "red_cross_major_illness_aid",
            "3000.00",
        )
        [measure] = await _measures(anonymous, referral["household_id"])
        assert measure["id"] == done["measure_id"]
        assert {k: measure[k] for k in ("code", "amount", "note", "organization_id")} == {
            "code": "red_cross_major_illness_aid",
            "amount": "3000.00",
            "note": "已发放大病救助金",
            "organization_id": str(await organization_id(app, RED_CROSS)),
        }
        assert measure["given_on"] == business_today().isoformat()
        assert (measure["voided_at"], measure["plan_item_id"], measure["legacy"]) == (
            None,
            None,
            False,
        )

    async def test_a_partner_system_completes_through_its_client(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """The Red Cross's system (client credentials, no user) completes: the measure is
        the Red Cross's, recorded by no user, and the need is met."""
        household, need = await household_with_need(app)
        referral = await refer_need(app, anonymous, need)
        working = await _to(anonymous, referral, ["receive", "accept", "start"])
        partner = await partner_headers(anonymous)
        done = await anonymous.post(
            f"{REFERRALS}/{referral['id']}/complete",
            json=AID,
            headers={**partner, "If-Match": f'W/"{working["version"]}"'},
        )
        assert done.status_code == 200, done.text
        [measure] = await _measures(anonymous, str(household.id))
        assert (measure["id"], measure["created_by"], measure["organization_id"]) == (
            done.json()["measure_id"],
            None,
            str(await organization_id(app, RED_CROSS)),
        )
        assert (await _need(anonymous, str(household.id), str(need)))["status"] == "met"

    @pytest.mark.parametrize(
        ("fields", "recorded"),
        [
            (
                {"outcome": "已安排康复训练", "measure": "rehabilitation_service"},
                ("rehabilitation_service", None),
            ),
            # The amount alone, as completions were before they recorded measures: the Red
            # Cross gives its major-illness aid.
            ({"outcome": "已发放", "amount": "800.00"}, ("red_cross_major_illness_aid", "800.00")),
        ],
    )
    async def test_what_the_completion_records(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        fields: dict[str, Any],
        recorded: tuple[str, str | None],
    ) -> None:
        referral = await send(app, anonymous)
        done = await _to(anonymous, referral, ["receive", "accept", "start", "complete"], **fields)
        assert (done["measure"], done["amount"]) == recorded
        [measure] = await _measures(anonymous, referral["household_id"])
        assert (measure["id"], measure["code"], measure["amount"]) == (
            done["measure_id"],
            *recorded,
        )

    async def test_an_outcome_alone_records_no_measure(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        referral = await send(app, anonymous)
        done = await _to(
            anonymous,
            referral,
            ["receive", "accept", "start", "complete"],
            outcome="已提供政策咨询",
        )
        assert (done["status"], done["measure"], done["measure_id"], done["amount"]) == (
            "completed",
            None,
            None,
            None,
        )
        assert await _measures(anonymous, referral["household_id"]) == []

    async def test_a_kind_that_gives_no_money_of_its_own_names_the_measure(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        referral = await send(app, anonymous, receiver=HEALTH)
        working = await _to(anonymous, referral, ["receive", "accept", "start"], "health_officer")
        refused = await act(
            anonymous, working, "complete", "health_officer", outcome="已补助", amount="500.00"
        )
        assert_invalid(refused, ["body", "measure"], "required_for_kind")
        named = await act(
            anonymous,
            working,
            "complete",
            "health_officer",
            outcome="已补助",
            measure="medical_assistance_cash",
            amount="500.00",
        )
        assert named.status_code == 200, named.text
        assert named.json()["measure"] == "medical_assistance_cash"

    async def test_the_day_given_is_kept_and_answers_the_need(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, need = await household_with_need(app)
        referral = await refer_need(app, anonymous, need)
        sent_on = referral["sent_on"]
        done = await _to(
            anonymous,
            referral,
            ["receive", "accept", "start", "complete"],
            **AID,
            given_on=sent_on,
        )
        [measure] = await _measures(anonymous, str(household.id))
        assert (measure["id"], measure["given_on"], measure["need_id"]) == (
            done["measure_id"],
            sent_on,
            str(need),
        )

    @pytest.mark.parametrize(
        ("fields", "loc", "code"),
        [
            ({"measure": "charity_cash", "amount": "1.00"}, ["body", "outcome"], "missing"),
            ({**AID, "given_on": "2999-01-01"}, ["body", "given_on"], "date_in_future"),
            ({**AID, "given_on": "2000-01-01"}, ["body", "given_on"], "too_early"),
            ({"outcome": "已办结", "given_on": TODAY}, ["body", "given_on"], "not_allowed"),
            ({"outcome": "已办结", "given_on": "2999-01-01"}, ["body", "given_on"], "not_allowed"),
            (
                {**AID, "measure": "housing_repair", "given_on": "2999-01-01"},
                ["body", "measure"],
                "unknown_code",
            ),
            ({**AID, "measure": "housing_repair"}, ["body", "measure"], "unknown_code"),
            ({**AID, "amount": None}, ["body", "amount"], "required_for_kind"),
            ({**AID, "amount": "0.00"}, ["body", "amount"], "too_small"),
            ({**AID, "measure": "visit"}, ["body", "amount"], "not_for_kind"),
        ],
    )
    async def test_a_refused_completion_changes_nothing(
        self,
        app: FastAPI,
        anonymous: httpx.AsyncClient,
        fields: dict[str, Any],
        loc: list[str | int],
        code: str,
    ) -> None:
        referral = await send(app, anonymous)
        working = await _to(anonymous, referral, ["receive", "accept", "start"])
        assert_invalid(await act(anonymous, working, "complete", **fields), loc, code)
        shown = await anonymous.get(
            f"{REFERRALS}/{referral['id']}", headers=await bearer(anonymous, "street_officer")
        )
        assert (shown.json()["status"], shown.json()["version"]) == ("in_progress", 4)
        assert await _measures(anonymous, referral["household_id"]) == []

    async def test_the_measure_is_refused_on_every_other_action(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        referral = await send(app, anonymous)
        for name, value in (("measure", "visit"), ("given_on", referral["sent_on"])):
            refused = await act(anonymous, referral, "receive", **{name: value})
            assert_invalid(refused, ["body", name], "not_allowed")

    async def test_aid_given_through_a_referral_counts_against_the_yearly_cap(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        year = business_today().year
        await create_terms(anonymous, effective_from=f"{year}-01-01", effective_to=f"{year}-12-31")
        household, need = await household_with_need(app)
        referral = await refer_need(app, anonymous, need)
        await _to(
            anonymous,
            referral,
            ["receive", "accept", "start", "complete"],
            **{**AID, "amount": "19000.00"},
        )
        body = await quote_body(
            app,
            str(household.id),
            str(household.head_person_id),
            treatment_date=business_today().isoformat(),
        )
        assert body["institution_id"] == str(await organization_id(app, HOSPITAL))
        quoted = await anonymous.post(
            QUOTES, json=body, headers=await bearer(anonymous, "street_officer")
        )
        assert quoted.status_code == 201, quoted.text
        # 50 % of 3,000.00 is 1,500.00, but the 20,000.00 cap leaves 1,000.00 this year.
        assert (quoted.json()["already_received"], quoted.json()["covered"]) == (
            "19000.00",
            "1000.00",
        )

    async def test_a_household_that_left_the_ledger_meanwhile_is_refused(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        referral = await send(app, anonymous)
        working = await _to(anonymous, referral, ["receive", "accept", "start"])
        exited = await exit_household(anonymous, referral["household_id"])
        assert exited.status_code == 200, exited.text
        await set_row(app, referral["id"], status="in_progress", closed_at=None)
        shown = await anonymous.get(
            f"{REFERRALS}/{referral['id']}", headers=await bearer(anonymous, "street_officer")
        )
        refused = await act(anonymous, shown.json(), "complete", **AID)
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "household_exited"
        assert await _measures(anonymous, working["household_id"]) == []


class TestTheNeedFollowsItsReferrals:
    async def test_accepted_is_being_met_and_completed_is_met(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, need = await household_with_need(app)
        hid, nid = str(household.id), str(need)
        referral = await refer_need(app, anonymous, need)
        assert (await _need(anonymous, hid, nid))["status"] == "open"
        received = await _to(anonymous, referral, ["receive"])
        assert (await _need(anonymous, hid, nid))["status"] == "open"
        working = await _to(anonymous, received, ["accept"])
        assert (await _need(anonymous, hid, nid))["status"] == "being_met"
        assert await _household_needs(anonymous, hid) == ["medical"]
        await _to(anonymous, working, ["start", "complete"], **AID)
        met = await _need(anonymous, hid, nid)
        assert met["status"] == "met"
        assert met["status_changed_at"] is not None
        assert await _household_needs(anonymous, hid) == []

    @pytest.mark.parametrize("closing", ["fail", "cancel"])
    async def test_work_that_stops_without_help_leaves_the_need_open(
        self, app: FastAPI, anonymous: httpx.AsyncClient, closing: str
    ) -> None:
        household, need = await household_with_need(app)
        referral = await refer_need(app, anonymous, need)
        working = await _to(anonymous, referral, ["receive", "accept"])
        assert (await _need(anonymous, str(household.id), str(need)))["status"] == "being_met"
        if closing == "fail":
            await _to(anonymous, working, ["fail"], reason="unable_to_contact")
        else:
            await _to(anonymous, working, ["cancel"], "street_officer", note="误转")
        assert (await _need(anonymous, str(household.id), str(need)))["status"] == "open"
        assert await _household_needs(anonymous, str(household.id)) == ["medical"]

    async def test_two_organisations_on_one_need(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """Met only once the last referral closes; one that helped keeps it met after the
        other is rejected."""
        household, need = await household_with_need(app)
        hid, nid = str(household.id), str(need)
        red_cross = await refer_need(app, anonymous, need)
        security = await refer_need(app, anonymous, need, MEDICAL_SECURITY)
        await _to(anonymous, red_cross, ["receive", "accept", "start", "complete"], **AID)
        assert (await _need(anonymous, hid, nid))["status"] == "being_met"
        assert await _household_needs(anonymous, hid) == ["medical"]
        await _to(
            anonymous,
            security,
            ["receive", "reject"],
            MEDICAL_SECURITY_OFFICER,
            reason="not_in_remit",
        )
        assert (await _need(anonymous, hid, nid))["status"] == "met"
        assert await _household_needs(anonymous, hid) == []

    async def test_the_change_is_in_the_households_history(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        household, need = await household_with_need(app)
        referral = await refer_need(app, anonymous, need)
        await _to(anonymous, referral, ["receive", "accept"])
        response = await anonymous.get(
            f"/api/v1/households/{household.id}/history",
            headers=await bearer(anonymous, "street_officer"),
        )
        assert response.status_code == 200, response.text
        settled = [e for e in response.json()["items"] if e["action"] == "need.settle"]
        assert [e["changes"]["need_status"]["after"] for e in settled] == [
            {"id": str(need), "code": "medical", "status": "being_met"}
        ]

    async def test_two_organisations_closing_at_once_leave_the_need_met(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """Racing closes of one need's two referrals take turns (the household's lock), so
        the second derives the need from the first's committed state (PostgreSQL runs them
        at once; SQLite serialises writers)."""
        household, need = await household_with_need(app)
        red_cross = await _to(
            anonymous, await refer_need(app, anonymous, need), ["receive", "accept", "start"]
        )
        security = await _to(
            anonymous,
            await refer_need(app, anonymous, need, MEDICAL_SECURITY),
            ["receive"],
            MEDICAL_SECURITY_OFFICER,
        )

        async def own(referral: dict[str, Any], action: str, user: str, **fields: Any) -> int:
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                return (await act(c, referral, action, user, **fields)).status_code

        answers = await asyncio.gather(
            own(red_cross, "complete", "department_officer", **AID),
            own(security, "reject", MEDICAL_SECURITY_OFFICER, reason="not_in_remit"),
        )
        assert answers == [200, 200]
        assert (await _need(anonymous, str(household.id), str(need)))["status"] == "met"
