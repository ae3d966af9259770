"""The demo assessments (DOMAIN 5): in 双龙湖街道, each demo household the demo gives a new
target type is assessed on the business date under the 2026 demo policy, and the assessment
finds that very type; seeded once."""

from decimal import Decimal

import httpx
from fastapi import FastAPI

from app.core.clock import business_today
from app.demo.eligibility_assessments import seed
from app.demo.households import seed as seed_demo_households
from tests.api.households.ledger_http import bearer


async def test_each_demo_household_of_a_new_type_is_assessed_as_that_type(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    await seed_demo_households(app.state.services, "")

    first = await seed(app.state.services, "")
    again = await seed(app.state.services, "")

    assert first.startswith("3 new demo policy versions, 2 published, ")
    assert again == "0 new demo policy versions, 0 new demo assessments"
    headers = await bearer(http, "street_officer")
    listed = (await http.get("/api/v1/households", headers=headers)).json()["items"]
    found = []
    for household in listed:
        record = (await http.get(f"/api/v1/households/{household['id']}", headers=headers)).json()
        history = await http.get(
            f"/api/v1/households/{household['id']}/assessments", headers=headers
        )
        for item in history.json()["items"]:
            assert item["reference_date"] == business_today().isoformat()
            assert record["target_types"] == [item["outcome"]]
            assert (await http.get(f"/api/v1/assessments/{item['id']}", headers=headers)).json()[
                "inputs_changed_since"
            ] is False
            found.append(item["outcome"])
    assert first.endswith(f", {len(found)} new demo assessments")
    assert {"income_poverty", "expenditure_poverty"} <= set(found)


async def test_the_street_officer_finds_the_demo_assessments_in_the_priority_list(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    await seed_demo_households(app.state.services, "")
    await seed(app.state.services, "")
    headers = await bearer(http, "street_officer")
    listed = (await http.get("/api/v1/eligibility/priority", headers=headers)).json()["items"]
    assert sorted(item["outcome"] for item in listed) == ["expenditure_poverty", "income_poverty"]
    scores = [item["score"] for item in listed]
    assert scores == sorted(scores, key=float, reverse=True)
    for item in listed:
        assert item["region_code"].startswith("500112001")
        assert sum(Decimal(c["points"]) for c in item["contributions"]) == Decimal(item["score"])
    other = await bearer(http, "street_officer_2")
    assert (await http.get("/api/v1/eligibility/priority", headers=other)).json()["items"] == []
