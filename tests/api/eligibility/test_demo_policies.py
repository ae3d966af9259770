"""The demo policy versions of 渝北区 (DOMAIN 5): 2025 and 2026 published back to back, a
2027 draft; every description says its figures are demo values; seeded once."""

from datetime import date

import httpx
from fastapi import FastAPI

from app.demo.eligibility_policies import seed
from tests.api.eligibility.policies_http import POLICIES, in_force_id
from tests.api.households.ledger_http import bearer
from tests.factories import GRID_A1_1


async def test_the_demo_versions_show_effective_dating(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    assert await seed(app.state.services, "") == "3 new demo policy versions, 2 published"
    assert await seed(app.state.services, "") == "0 new demo policy versions"

    items = (await http.get(POLICIES, headers=await bearer(http, "street_officer"))).json()["items"]
    summary = [
        (i["status"], i["dibao_standard"], i["effective_from"], i["effective_to"]) for i in items
    ]
    assert summary == [
        ("published", "720.00", "2025-01-01", "2025-12-31"),
        ("published", "770.00", "2026-01-01", None),
        ("draft", "800.00", "2027-01-01", None),
    ]
    for item in items:
        assert item["region_code"] == "500112"
        assert "演示数据" in item["description"]
        assert "Demo values" in item["description"]
        assert f"L = {item['dibao_standard']}" in item["description"]
    assert await in_force_id(app, GRID_A1_1, date(2025, 12, 31)) == items[0]["id"]
    assert await in_force_id(app, GRID_A1_1, date(2026, 12, 3)) == items[1]["id"]
