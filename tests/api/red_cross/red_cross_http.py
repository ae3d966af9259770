"""Helpers of the Red Cross aid tests: terms, quotes and measures through the API."""

from typing import Any

import httpx
from fastapi import FastAPI

from tests.api.households.ledger_http import bearer, organization_id
from tests.factories import DEMO_PASSWORD, create_household

TERMS = "/api/v1/red-cross/aid-terms"
QUOTES = "/api/v1/red-cross/aid-quotes"
DISTRICT = "500112"
HOSPITAL = "渝北区人民医院"
RED_CROSS = "渝北区红十字会"


def terms_body(**fields: Any) -> dict[str, Any]:
    """Terms of the district for 2026: 50 %, at most 20,000 yuan a year."""
    return {
        "district_code": DISTRICT,
        "rate_percent": "50.00",
        "yearly_cap": "20000.00",
        "effective_from": "2026-01-01",
        "effective_to": "2026-12-31",
        **fields,
    }


async def create_terms(
    http: httpx.AsyncClient, username: str = "district_officer", **fields: Any
) -> dict[str, Any]:
    response = await http.post(
        TERMS, json=terms_body(**fields), headers=await bearer(http, username)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def household_with_head(app: FastAPI) -> tuple[str, str]:
    """A household of street A whose head has been a member since 2020."""
    created = await create_household(
        app, members=[{"name": "王红梅", "relation_to_head": "self", "joined_on": "2020-01-01"}]
    )
    return str(created.id), str(created.head_person_id)


async def quote_body(
    app: FastAPI, household_id: str, person_id: str, **fields: Any
) -> dict[str, Any]:
    """An inpatient stay for a malignant tumour at the designated hospital on 2026-03-10:
    self-paid 3,000.00 yuan within scope."""
    return {
        "household_id": household_id,
        "person_id": person_id,
        "disease_code": "malignant_tumour",
        "institution_id": str(await organization_id(app, HOSPITAL)),
        "treatment_type": "inpatient",
        "treatment_date": "2026-03-10",
        "total_cost": "12000.00",
        "in_scope_amount": "10000.00",
        "insurance_reimbursement": "6000.00",
        "medical_assistance": "1000.00",
        **fields,
    }


async def post_quote(
    http: httpx.AsyncClient, body: dict[str, Any], username: str = "street_officer"
) -> httpx.Response:
    return await http.post(QUOTES, json=body, headers=await bearer(http, username))


async def give_aid(
    app: FastAPI, http: httpx.AsyncClient, household_id: str, amount: str, on: str
) -> dict[str, Any]:
    """Record Red Cross major-illness aid given to the household (a measure)."""
    response = await http.post(
        f"/api/v1/households/{household_id}/measures",
        json={
            "code": "red_cross_major_illness_aid",
            "given_on": on,
            "organization_id": str(await organization_id(app, RED_CROSS)),
            "amount": amount,
        },
        headers=await bearer(http, "street_officer"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def partner_headers(http: httpx.AsyncClient) -> dict[str, str]:
    """The Red Cross's partner system, signed in with its client credentials."""
    response = await http.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        auth=("red-cross", DEMO_PASSWORD),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
