"""Assessments through the API (DOMAIN 5): every outcome stored with its rules in Chinese and
English, no policy in force, history and supersession, identical re-assessments, inputs
changed since, accepting a finding onto the ledger."""

from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.core.audit import AuditEvent
from app.core.events import DomainEvent
from app.eligibility.rules import window
from tests.api.eligibility.assessments_http import (
    WINDOW,
    D,
    accept,
    assessed,
    assessments_of,
    home,
    income,
    policy,
    read,
    run,
)
from tests.api.households.ledger_http import bearer

ELIGIBLE = {"income_poverty", "expenditure_poverty"}


@pytest.fixture
async def http(http: httpx.AsyncClient) -> httpx.AsyncClient:
    """The demo district with its published policy (L = 720 from 2026-01-01)."""
    await policy(http)
    return http


def _explained(found: dict[str, Any]) -> None:
    """Every rule says why, in both languages, and the summary names the outcome."""
    assert found["rules"], found
    for rule in found["rules"]:
        explanation = rule["explanation"]
        assert explanation["zh_cn"].strip(), rule
        assert explanation["en"].strip(), rule
        assert all(rule[k] for k in ("figures", "threshold", "comparison")), rule
    assert found["summary"]["zh_cn"].startswith("结论：")
    assert found["summary"]["en"].startswith("Outcome: ")


class TestOutcomes:
    @pytest.mark.parametrize(
        ("monthly", "rigid", "fields", "outcome"),
        [
            ("2000.00", "100.00", {}, "income_poverty"),
            ("2000.00", "3000.00", {}, "expenditure_poverty"),
            ("1000.00", None, {}, "refer_to_dibao"),
            ("4000.00", None, {}, "not_eligible"),
            ("2000.00", None, {"hukou_region_code": "110101"}, "not_eligible"),
            ("2000.00", None, {"target_types": ["dibao"]}, "already_registered"),
        ],
        ids=["income", "expenditure", "below-L", "above-2L", "hukou", "registered"],
    )
    async def test_each_outcome_is_stored_and_explained(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        monthly: str,
        rigid: str | None,
        fields: dict[str, Any],
        outcome: str,
    ) -> None:
        household, _ = await home(app, http, monthly=monthly, rigid=rigid, **fields)

        response = await run(http, household)

        assert response.status_code == 201, response.text
        found = response.json()
        assert response.headers["Location"] == f"/api/v1/assessments/{found['id']}"
        assert (found["outcome"], found["missing"], found["reference_date"]) == (
            outcome,
            [],
            D.isoformat(),
        )
        assert (found["current"], found["inputs_changed_since"]) == (True, False)
        _explained(found)
        assert (found["score"] is not None) == (outcome in ELIGIBLE)
        assert (found["per_capita_micro"] is not None) == (outcome in ELIGIBLE)
        assert (found["contributions"] is not None) == (outcome in ELIGIBLE)
        assert found["policy_version_name"] == "测试政策"
        if outcome != "already_registered":
            assert found["member_count"] == 2
            ages = sorted(m["age"] for m in found["inputs"]["members"])
            assert all("birth_date" not in m for m in found["inputs"]["members"])
            assert len(ages) == 2
            assert ages[-1] >= 60
        assert (await read(http, found["id"])).json() == found

    async def test_the_income_type_rule_by_rule(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http, rigid="100.00")

        found = await assessed(http, household)

        assert (found["income_total"], found["rigid_total"]) == ("24000.00", "1200.00")
        rules = {r["code"]: r for r in found["rules"]}
        assert (rules["income_type_ceiling"]["threshold"], rules["income_floor"]["threshold"]) == (
            "34560.00",
            "17280.00",
        )
        assert [r["passed"] for r in found["rules"]] == [
            r["code"] != "expenditure_type_rigid_ratio" for r in found["rules"]
        ]
        assert found["per_capita_micro"] == 1_000_000_000
        points = sum(float(c["points"]) for c in found["contributions"])
        assert abs(points - float(found["score"])) < 0.001
        assert "收入型贫困" in found["summary"]["zh_cn"]
        assert "income poverty" in found["summary"]["en"]

    async def test_missing_inputs_are_listed_never_guessed(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http, assets=False, months=WINDOW[2:])

        found = await assessed(http, household)

        assert found["outcome"] == "cannot_assess"
        assert found["missing"] == ["incomes.2025-06", "incomes.2025-07", "assets"]
        assert found["score"] is None
        assert found["income_total"] is None
        _explained(found)
        assert "incomes.2025-06" in found["summary"]["zh_cn"]
        assert "assets" in found["summary"]["en"]


class TestRequests:
    async def test_no_policy_in_force_names_region_and_date(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)

        response = await run(http, household, reference_date="2025-12-31")

        assert response.status_code == 409
        problem = response.json()
        assert (problem["code"], problem["region_code"], problem["reference_date"]) == (
            "no_policy_in_force",
            household.region_code,
            "2025-12-31",
        )

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"reference_date": "2099-01-01"}, "date_in_future"),
            ({}, "application_or_date"),
            (
                {
                    "reference_date": "2026-06-15",
                    "application_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31",
                },
                "application_or_date",
            ),
            ({"application_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31"}, "not_found"),
        ],
        ids=["future", "neither", "both", "unknown-application"],
    )
    async def test_bad_requests_are_422(
        self, app: FastAPI, http: httpx.AsyncClient, body: dict[str, Any], code: str
    ) -> None:
        household, _ = await home(app, http)

        response = await http.post(
            assessments_of(household), json=body, headers=await bearer(http, "street_officer")
        )

        assert response.status_code == 422, response.text
        assert [e["code"] for e in response.json()["errors"]] == [code]


class TestHistory:
    async def test_newest_first_and_only_the_newest_is_current(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        first = await assessed(http, household)
        second = await assessed(http, household, reference_date="2026-07-01")

        listed = await http.get(
            assessments_of(household), headers=await bearer(http, "community_worker")
        )

        assert listed.status_code == 200, listed.text
        items = listed.json()["items"]
        assert [(i["id"], i["current"], i["superseded_by"]) for i in items] == [
            (second["id"], True, None),
            (first["id"], False, second["id"]),
        ]
        assert (await read(http, first["id"])).json()["current"] is False

    async def test_the_same_inputs_give_the_same_assessment(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http, rigid="3000.00")

        first, second = await assessed(http, household), await assessed(http, household)

        same = ("outcome", "rules", "fingerprint", "inputs", "score", "contributions")
        assert [first[k] for k in same] == [second[k] for k in same]
        assert first["id"] != second["id"]

    async def test_an_edit_after_the_assessment_shows_as_inputs_changed(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, written = await home(app, http)
        found = await assessed(http, household)

        await written.put(
            "incomes", [income(WINDOW[0], "2100.00")], **{"from": "2025-06", "to": "2025-06"}
        )

        again = (await read(http, found["id"])).json()
        assert again["inputs_changed_since"] is True
        assert {k: again[k] for k in ("rules", "income_total", "fingerprint")} == {
            k: found[k] for k in ("rules", "income_total", "fingerprint")
        }
        refused = await accept(http, found["id"])
        assert (refused.status_code, refused.json()["code"]) == (409, "assessment_inputs_changed")


async def _record(http: httpx.AsyncClient, household: Any) -> dict[str, Any]:
    response = await http.get(
        f"/api/v1/households/{household.id}", headers=await bearer(http, "street_officer")
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestAccept:
    @pytest.mark.parametrize(
        ("monthly", "rigid", "types"),
        [
            ("2000.00", None, ["income_poverty"]),
            ("2000.00", "3000.00", ["expenditure_poverty"]),
            ("1000.00", None, []),
            ("4000.00", None, []),
        ],
        ids=["income", "expenditure", "below-L", "not-eligible"],
    )
    async def test_the_finding_goes_onto_the_ledger(
        self,
        app: FastAPI,
        http: httpx.AsyncClient,
        monthly: str,
        rigid: str | None,
        types: list[str],
    ) -> None:
        household, _ = await home(app, http, monthly=monthly, rigid=rigid)
        found = await assessed(http, household)

        response = await accept(http, found["id"], "district_officer")

        assert response.status_code == 200, response.text
        accepted = response.json()
        assert accepted["accepted_at"] is not None
        assert accepted["accepted_by"] is not None
        assert {k: accepted[k] for k in ("rules", "outcome", "fingerprint")} == {
            k: found[k] for k in ("rules", "outcome", "fingerprint")
        }
        record = await _record(http, household)
        assert record["target_types"] == types
        assert [d["assessment_id"] for d in record["target_type_decisions"]] == [
            found["id"] for _ in types
        ]
        again = await accept(http, found["id"])
        assert (again.status_code, again.json()["code"]) == (409, "assessment_already_accepted")

    async def test_a_later_not_eligible_ends_the_type(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, written = await home(app, http)
        assert (await accept(http, (await assessed(http, household))["id"])).status_code == 200
        await written.put(
            "incomes",
            [income(m, "4000.00") for m in WINDOW],
            **{"from": "2025-06", "to": "2026-05"},
        )
        later = await assessed(http, household)
        assert later["outcome"] == "not_eligible"

        assert (await accept(http, later["id"])).status_code == 200

        assert (await _record(http, household))["target_types"] == []

    async def test_only_the_current_one(self, app: FastAPI, http: httpx.AsyncClient) -> None:
        household, _ = await home(app, http)
        first = await assessed(http, household)
        await assessed(http, household)

        refused = await accept(http, first["id"])

        assert (refused.status_code, refused.json()["code"]) == (409, "assessment_superseded")

    @pytest.mark.parametrize(
        ("fields", "missing_assets"),
        [({"target_types": ["dibao"]}, False), ({}, True)],
        ids=["already-registered", "cannot-assess"],
    )
    async def test_inconclusive_outcomes_set_nothing(
        self, app: FastAPI, http: httpx.AsyncClient, fields: dict[str, Any], missing_assets: bool
    ) -> None:
        household, _ = await home(app, http, assets=not missing_assets, **fields)
        found = await assessed(http, household)

        refused = await accept(http, found["id"])

        assert (refused.status_code, refused.json()["code"]) == (409, "assessment_inconclusive")

    async def test_a_registered_type_held_now_is_422(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        """Dibao decided on 2026-03-15: not held on D = 2026-03-01 (income type then), held
        when the finding would be set."""
        household, _ = await home(
            app, http, target_types=["dibao"], months=window(date(2026, 3, 1))
        )
        found = await assessed(http, household, reference_date="2026-03-01")
        assert found["outcome"] == "income_poverty", found["missing"]

        refused = await accept(http, found["id"])

        assert refused.status_code == 422, refused.text
        assert [e["code"] for e in refused.json()["errors"]] == ["registered_type_held"]


class TestRecord:
    async def test_running_and_accepting_are_audited_and_announced(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        found = await assessed(http, household)
        assert (await accept(http, found["id"])).status_code == 200

        async with app.state.services.database.sessionmaker() as session:
            audited = (
                await session.execute(
                    select(AuditEvent.action, AuditEvent.region_code)
                    .where(
                        AuditEvent.object_id == found["id"], AuditEvent.object_type == "assessment"
                    )
                    .order_by(AuditEvent.occurred_at, AuditEvent.id)
                )
            ).all()
            events = (
                await session.execute(
                    select(DomainEvent.name, DomainEvent.payload)
                    .where(DomainEvent.name.like("assessment.%"))
                    .order_by(DomainEvent.id)
                )
            ).all()
        assert [tuple(row) for row in audited] == [
            ("assessment.create", household.region_code),
            ("assessment.accept", household.region_code),
        ]
        assert [name for name, _ in events] == ["assessment.recorded", "assessment.accepted"]
        assert events[0][1] == {
            "assessment_id": found["id"],
            "household_id": str(household.id),
            "application_id": None,
            "region_code": household.region_code,
            "reference_date": D.isoformat(),
        }


class TestPriorityList:
    async def test_a_stored_eligible_assessment_is_on_the_priority_list(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        income_type, _ = await home(app, http)
        expenditure_type, _ = await home(app, http, rigid="3000.00")
        below, _ = await home(app, http, monthly="1000.00")
        found = [await assessed(http, h) for h in (income_type, expenditure_type, below)]

        listed = await http.get(
            "/api/v1/eligibility/priority", headers=await bearer(http, "street_officer")
        )

        assert listed.status_code == 200, listed.text
        items = {i["assessment_id"]: i for i in listed.json()["items"]}
        assert set(items) == {found[0]["id"], found[1]["id"]}
        for stored in found[:2]:
            shown = items[stored["id"]]
            assert shown["score"] == stored["score"]
            assert [c["points"] for c in shown["contributions"]] == [
                c["points"] for c in stored["contributions"]
            ]


class TestIdempotency:
    async def test_a_repeated_key_replays_the_stored_assessment(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        household, _ = await home(app, http)
        headers = {**await bearer(http, "street_officer"), "Idempotency-Key": "assess-1"}
        body = {"reference_date": D.isoformat()}

        first = await http.post(assessments_of(household), json=body, headers=headers)
        again = await http.post(assessments_of(household), json=body, headers=headers)

        assert first.status_code == again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        listed = await http.get(
            assessments_of(household), headers=await bearer(http, "street_officer")
        )
        assert [i["id"] for i in listed.json()["items"]] == [first.json()["id"]]
