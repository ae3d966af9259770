"""The demo's charity reports: last month's of each demo street, once."""

import httpx
from fastapi import FastAPI

from app.charity_reports.rules import previous_month
from app.core.clock import business_today
from app.demo.charity_reports import seed
from tests.api.charity_reports.charity_http import REPORTS, client_bearer


async def test_the_demo_seeds_last_months_report_of_each_street_once(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    assert await seed(app.state.services, "") == "2 new charity reports"
    assert await seed(app.state.services, "") == "0 new charity reports"
    listed = await http.get(REPORTS, headers=await client_bearer(http, "charity-federation"))
    assert listed.status_code == 200, listed.text
    found = sorted(
        (r["region_code"], r["month"], r["generated_by"]) for r in listed.json()["items"]
    )
    month = previous_month(business_today())
    assert found == [("500112001", month, "system"), ("500112002", month, "system")]
