"""The demo terms of the Red Cross aid (Yubei 3(3)1(3)): 2026 in 渝北区, demo figures said to
be demo figures, seeded once; a quote in 2026 applies them."""

import httpx
from fastapi import FastAPI

from app.demo.red_cross import seed
from tests.api.households.ledger_http import bearer
from tests.api.red_cross.red_cross_http import TERMS, household_with_head, post_quote, quote_body


async def test_the_demo_terms_are_in_force_in_2026(app: FastAPI, http: httpx.AsyncClient) -> None:
    assert await seed(app.state.services, "") == "1 new Red Cross aid terms"
    assert await seed(app.state.services, "") == "0 new Red Cross aid terms"
    items = (await http.get(TERMS, headers=await bearer(http, "street_officer"))).json()["items"]
    assert [
        (
            t["district_code"],
            t["rate_percent"],
            t["yearly_cap"],
            t["effective_from"],
            t["effective_to"],
        )
        for t in items
    ] == [("500112", "50.00", "20000.00", "2026-01-01", "2026-12-31")]
    assert "演示数据" in items[0]["note"]
    assert "Demo values" in items[0]["note"]

    household_id, head = await household_with_head(app)
    quoted = await post_quote(http, await quote_body(app, household_id, head))
    assert quoted.status_code == 201, quoted.text
    assert quoted.json()["terms"]["id"] == items[0]["id"]
    assert quoted.json()["covered"] == "1500.00"
