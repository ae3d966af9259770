"""Who quotes the Red Cross aid for which household: not for one that left the ledger (409
`household_exited`, as referrals refuse it); the Red Cross's officer and its partner system
for a household referred to it that consented to share its whole record with it (their
reach in the ledger, PIPL art. 23)."""

from typing import Any

import httpx
from fastapi import FastAPI

from app.consents.public import FULL_SCOPE
from tests.api.households.ledger_http import bearer, exit_household, organization_id
from tests.api.red_cross.red_cross_http import (
    QUOTES,
    RED_CROSS,
    create_terms,
    household_with_head,
    partner_headers,
    post_quote,
    quote_body,
)
from tests.api.referrals.referrals_http import REFERRALS, consent, need_of
from tests.factories import create_household
from tests.problems import assert_problem


async def test_no_quote_for_a_household_that_left_the_ledger(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    await create_terms(http)
    household_id, head = await household_with_head(app)
    exited = await exit_household(http, household_id)
    assert exited.status_code == 200, exited.text
    response = await post_quote(http, await quote_body(app, household_id, head))
    assert_problem(response, 409, "household_exited")
    listed = await http.get(
        QUOTES, params={"household_id": household_id}, headers=await bearer(http, "street_officer")
    )
    assert listed.json()["items"] == []


async def _referred(app: FastAPI, http: httpx.AsyncClient, scope: list[str]) -> Any:
    """A household with a medical need referred to the Red Cross, which it consented to share
    `scope` with."""
    household = await create_household(
        app,
        needs=["medical"],
        members=[{"name": "王红梅", "relation_to_head": "self", "joined_on": "2020-01-01"}],
    )
    await consent(app, http, household, scope)
    sent = await http.post(
        REFERRALS,
        json={
            "need_id": str(await need_of(app, household.id)),
            "receiver_organization_id": str(await organization_id(app, RED_CROSS)),
        },
        headers=await bearer(http, "street_officer"),
    )
    assert sent.status_code == 201, sent.text
    return household


async def test_the_red_cross_quotes_for_a_household_referred_to_it_with_consent(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    await create_terms(http)
    household = await _referred(app, http, sorted(FULL_SCOPE))
    body = await quote_body(app, str(household.id), str(household.head_person_id))
    by_officer = await post_quote(http, body, "department_officer")
    assert by_officer.status_code == 201, by_officer.text
    assert by_officer.json()["eligible"] is True
    assert by_officer.json()["covered"] == "1500.00"
    by_partner = await http.post(QUOTES, json=body, headers=await partner_headers(http))
    assert by_partner.status_code == 201, by_partner.text
    read = await http.get(
        f"{QUOTES}/{by_partner.json()['id']}", headers=await bearer(http, "department_officer")
    )
    assert read.status_code == 200, read.text
    assert read.json()["household_id"] == str(household.id)


async def test_without_the_full_consent_the_red_cross_does_not_reach_the_household(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    await create_terms(http)
    household = await _referred(app, http, ["identity_contact"])
    body = await quote_body(app, str(household.id), str(household.head_person_id))
    assert_problem(await post_quote(http, body, "department_officer"), 404, "not_found")
