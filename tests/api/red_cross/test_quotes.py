"""Red Cross major-illness aid quotes through the API (Yubei 3(3)1(3)), with real sign-in."""

from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from tests.api.households.ledger_http import bearer, fetch, organization_id
from tests.api.red_cross.conftest import HEALTH_OFFICER
from tests.api.red_cross.red_cross_http import (
    QUOTES,
    RED_CROSS,
    create_terms,
    give_aid,
    household_with_head,
    partner_headers,
    post_quote,
    quote_body,
)
from tests.factories import GRID_B1_1, add_dictionary_code, create_household


async def _created(
    http: httpx.AsyncClient, body: dict[str, Any], username: str = "street_officer"
) -> dict[str, Any]:
    response = await post_quote(http, body, username)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.fixture
async def home(app: FastAPI, http: httpx.AsyncClient) -> tuple[str, str, dict[str, Any]]:
    """A household with its head, and the district's 2026 terms (50 %, 20,000 a year)."""
    terms = await create_terms(http)
    household_id, head = await household_with_head(app)
    return household_id, head, terms


class TestQuote:
    async def test_eligible_stay_is_covered_at_the_rate_with_the_steps(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, terms = home
        response = await post_quote(http, await quote_body(app, household_id, head))
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["Location"] == f"{QUOTES}/{body['id']}"
        assert body["eligible"] is True
        assert body["reasons"] == []
        assert body["self_paid"] == "3000.00"
        assert body["covered"] == "1500.00"
        assert body["already_received"] == "0.00"
        assert body["terms"] == {
            "id": terms["id"],
            "rate_percent": "50.00",
            "yearly_cap": "20000.00",
        }
        assert [(s["key"], s["amount"]) for s in body["steps"]] == [
            ("self_paid", "3000.00"),
            ("rate_share", "1500.00"),
            ("room_under_cap", "20000.00"),
            ("covered", "1500.00"),
        ]
        assert body["steps"][0]["calculation"] == "max(0, 10000.00 - 6000.00 - 1000.00) = 3000.00"
        assert body["created_by"]["display_name"] == "双龙湖街道干部"

    async def test_community_worker_of_the_region_quotes(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        body = await quote_body(app, household_id, head)
        assert (await _created(http, body, "community_worker"))["covered"] == "1500.00"

    async def test_stored_quote_reads_back_and_lists_newest_first(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        first = await _created(http, await quote_body(app, household_id, head))
        second = await _created(
            http, await quote_body(app, household_id, head, treatment_type="outpatient_other")
        )
        headers = await bearer(http, "community_worker")
        got = await http.get(f"{QUOTES}/{first['id']}", headers=headers)
        assert got.status_code == 200
        assert got.json() == first
        listed = await http.get(QUOTES, params={"household_id": household_id}, headers=headers)
        assert [q["id"] for q in listed.json()["items"]] == [second["id"], first["id"]]

    async def test_quote_and_reads_are_audited(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        quote = await _created(http, await quote_body(app, household_id, head))
        headers = await bearer(http, "street_officer")
        await http.get(f"{QUOTES}/{quote['id']}", headers=headers)
        await http.get(QUOTES, params={"household_id": household_id}, headers=headers)
        rows = await fetch(
            app,
            select(AuditEvent.action, AuditEvent.object_id).where(
                AuditEvent.action.like("red_cross_aid_quote.%")
            ),
        )
        actions = {(action, object_id) for action, object_id in rows}
        assert ("red_cross_aid_quote.create", quote["id"]) in actions
        assert ("red_cross_aid_quote.read", quote["id"]) in actions
        assert ("red_cross_aid_quote.list", household_id) in actions


class TestAlreadyReceived:
    async def test_this_years_aid_counts_voided_and_last_years_do_not(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        await give_aid(app, http, household_id, "3000.00", "2026-02-01")
        await give_aid(app, http, household_id, "2000.00", "2025-12-31")
        wrong = await give_aid(app, http, household_id, "9000.00", "2026-02-02")
        voided = await http.post(
            f"/api/v1/households/{household_id}/measures/{wrong['id']}/void",
            json={"reason": "重复登记"},
            headers=await bearer(http, "street_officer"),
        )
        assert voided.status_code == 200, voided.text
        body = await _created(http, await quote_body(app, household_id, head))
        assert body["already_received"] == "3000.00"
        assert body["steps"][2]["amount"] == "17000.00"
        assert body["covered"] == "1500.00"

    async def test_exactly_at_the_cap(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        await give_aid(app, http, household_id, "18500.00", "2026-02-01")
        body = await _created(http, await quote_body(app, household_id, head))
        assert body["eligible"] is True
        assert body["covered"] == "1500.00"
        assert Decimal(body["already_received"]) + Decimal(body["covered"]) == Decimal("20000.00")

    async def test_less_left_than_the_share(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        await give_aid(app, http, household_id, "19000.01", "2026-02-01")
        body = await _created(http, await quote_body(app, household_id, head))
        assert body["covered"] == "999.99"

    async def test_cap_reached_covers_nothing(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        await give_aid(app, http, household_id, "20000.00", "2026-02-01")
        body = await _created(http, await quote_body(app, household_id, head))
        assert body["eligible"] is False
        assert body["reasons"] == ["cap_reached"]
        assert body["covered"] == "0.00"


class TestReasons:
    @pytest.mark.parametrize(
        ("fields", "reason"),
        [
            ({"disease_code": "hypertension"}, "disease_not_prescribed"),
            ({"treatment_type": "outpatient_other"}, "treatment_not_covered"),
            (
                {"insurance_reimbursement": "9000.00", "medical_assistance": "1000.00"},
                "nothing_self_paid",
            ),
        ],
    )
    async def test_each_reason_is_a_201_quote_covering_nothing(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        home: tuple[str, str, dict[str, Any]],
        fields: dict[str, str],
        reason: str,
    ) -> None:
        household_id, head, _ = home
        body = await _created(http, await quote_body(app, household_id, head, **fields))
        assert body["eligible"] is False
        assert body["reasons"] == [reason]
        assert body["covered"] == "0.00"

    async def test_institution_not_designated(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        red_cross = str(await organization_id(app, RED_CROSS))
        body = await _created(
            http, await quote_body(app, household_id, head, institution_id=red_cross)
        )
        assert body["reasons"] == ["institution_not_designated"]

    @pytest.mark.parametrize(
        "kind",
        [
            "inpatient",
            "outpatient_chemotherapy",
            "outpatient_radiotherapy",
            "outpatient_dialysis",
            "outpatient_transfusion",
        ],
    )
    async def test_covered_treatments(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        home: tuple[str, str, dict[str, Any]],
        kind: str,
    ) -> None:
        household_id, head, _ = home
        body = await _created(http, await quote_body(app, household_id, head, treatment_type=kind))
        assert body["eligible"] is True

    async def test_a_disease_the_red_cross_adds_is_prescribed(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        session: AsyncSession,
        home: tuple[str, str, dict[str, Any]],
    ) -> None:
        household_id, head, _ = home
        code = await add_dictionary_code(session, "red_cross_disease", "motor_neurone_disease")
        body = await _created(http, await quote_body(app, household_id, head, disease_code=code))
        assert body["eligible"] is True


class TestTermsInForce:
    async def test_first_day_applies_and_the_day_after_the_last_does_not(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        terms = await create_terms(http, effective_from="2026-03-01", effective_to="2026-06-30")
        household_id, head = await household_with_head(app)
        first = await _created(
            http, await quote_body(app, household_id, head, treatment_date="2026-03-01")
        )
        assert first["terms"]["id"] == terms["id"]
        last = await _created(
            http, await quote_body(app, household_id, head, treatment_date="2026-06-30")
        )
        assert last["terms"]["id"] == terms["id"]
        after = await _created(
            http, await quote_body(app, household_id, head, treatment_date="2026-07-01")
        )
        assert after["terms"] is None
        assert after["reasons"] == ["no_terms_in_force"]
        before = await _created(
            http, await quote_body(app, household_id, head, treatment_date="2026-02-28")
        )
        assert before["reasons"] == ["no_terms_in_force"]

    async def test_the_treatment_years_aid_counts(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        await create_terms(http, effective_from="2025-01-01", effective_to=None)
        household_id, head = await household_with_head(app)
        await give_aid(app, http, household_id, "20000.00", "2026-02-01")
        last_year = await _created(
            http, await quote_body(app, household_id, head, treatment_date="2025-11-10")
        )
        assert last_year["already_received"] == "0.00"
        assert last_year["eligible"] is True


class TestBadInput:
    async def test_in_scope_above_total(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        body = await quote_body(app, household_id, head, total_cost="9999.99")
        response = await post_quote(http, body)
        assert response.status_code == 422
        assert [(e["loc"], e["code"]) for e in response.json()["errors"]] == [
            (["body", "in_scope_amount"], "exceeds_total_cost")
        ]

    async def test_reimbursement_and_assistance_above_in_scope(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        body = await quote_body(app, household_id, head, medical_assistance="4000.01")
        response = await post_quote(http, body)
        assert response.status_code == 422
        assert [(e["loc"], e["code"]) for e in response.json()["errors"]] == [
            (["body", "insurance_reimbursement"], "exceeds_in_scope"),
            (["body", "medical_assistance"], "exceeds_in_scope"),
        ]

    async def test_exactly_in_scope_is_accepted(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        body = await quote_body(
            app, household_id, head, total_cost="10000.00", medical_assistance="4000.00"
        )
        assert (await _created(http, body))["reasons"] == ["nothing_self_paid"]

    async def test_future_treatment(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        body = await quote_body(app, household_id, head, treatment_date="2999-01-01")
        response = await post_quote(http, body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "date_in_future"

    async def test_not_a_member(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, _, _ = home
        _, stranger = await household_with_head(app)
        response = await post_quote(http, await quote_body(app, household_id, stranger))
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "person_id"]
        assert response.json()["errors"][0]["code"] == "not_a_member"

    async def test_unknown_institution(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        body = await quote_body(
            app, household_id, head, institution_id="01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
        )
        response = await post_quote(http, body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "institution_id"]

    @pytest.mark.parametrize(
        "fields",
        [
            {"treatment_type": "outpatient_massage"},
            {"total_cost": "-1.00"},
            {"in_scope_amount": 100.5},
            {"insurance_reimbursement": "1.001"},
            {"disease_code": "Tumour"},
        ],
    )
    async def test_malformed_fields(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        home: tuple[str, str, dict[str, Any]],
        fields: dict[str, Any],
    ) -> None:
        household_id, head, _ = home
        response = await post_quote(http, await quote_body(app, household_id, head, **fields))
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", next(iter(fields))]

    async def test_list_needs_the_household(self, http: httpx.AsyncClient) -> None:
        response = await http.get(QUOTES, headers=await bearer(http, "street_officer"))
        assert response.status_code == 422


class TestWho:
    async def test_other_streets_household_is_404(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        body = await quote_body(app, household_id, head)
        response = await post_quote(http, body, "street_officer_2")
        assert response.status_code == 404
        quote = await _created(http, body)
        headers = await bearer(http, "community_worker_2")
        assert (await http.get(f"{QUOTES}/{quote['id']}", headers=headers)).status_code == 404
        listed = await http.get(QUOTES, params={"household_id": household_id}, headers=headers)
        assert listed.status_code == 404

    async def test_red_cross_officer_without_a_referral_gets_404(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        body = await quote_body(app, household_id, head)
        response = await post_quote(http, body, "department_officer")
        assert response.status_code == 404
        quote = await _created(http, body)
        headers = await bearer(http, "department_officer")
        assert (await http.get(f"{QUOTES}/{quote['id']}", headers=headers)).status_code == 404

    async def test_red_cross_partner_without_a_referral_gets_404(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        response = await http.post(
            QUOTES,
            json=await quote_body(app, household_id, head),
            headers=await partner_headers(http),
        )
        assert response.status_code == 404

    async def test_department_officer_of_another_organisation_is_403(
        self, app: FastAPI, http: httpx.AsyncClient, home: tuple[str, str, dict[str, Any]]
    ) -> None:
        household_id, head, _ = home
        headers = await bearer(http, HEALTH_OFFICER)
        response = await http.post(
            QUOTES, json=await quote_body(app, household_id, head), headers=headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "red_cross_only"
        listed = await http.get(QUOTES, params={"household_id": household_id}, headers=headers)
        assert listed.json()["code"] == "red_cross_only"

    @pytest.mark.parametrize(
        "username", ["district_officer", "grid_worker", "social_worker", "admin", "auditor"]
    )
    async def test_other_roles_are_403(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        home: tuple[str, str, dict[str, Any]],
        username: str,
    ) -> None:
        household_id, head, _ = home
        response = await post_quote(http, await quote_body(app, household_id, head), username)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_a_household_of_another_street_for_its_own_officer(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        await create_terms(http)
        created = await create_household(
            app,
            region=GRID_B1_1,
            members=[{"name": "刘志强", "relation_to_head": "self", "joined_on": "2020-01-01"}],
        )
        body = await quote_body(app, str(created.id), str(created.head_person_id))
        assert (await _created(http, body, "street_officer_2"))["eligible"] is True
