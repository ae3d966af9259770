"""Share of complete records per region (DOMAIN 3; Beijing 7: the district spot-checks it)."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.households.models import Household
from tests.api.households.ledger_http import exit_household
from tests.api.households.records import HOUSEHOLDS, bearer
from tests.factories import create_demo_district, create_household
from tests.problems import assert_invalid, assert_problem

REPORT = f"{HOUSEHOLDS}/completeness"
COMPLETE: dict[str, Any] = {
    "categories": [{"category": "other"}],
    "basic_situation": "独居",
    "emergency_situation": "无",
    "needs": ["care"],
    "no_help_reason": "declined_by_household",
}


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _complete(app: FastAPI, region: str) -> Household:
    household: Household = await create_household(app, region=region, **COMPLETE)
    assert household.complete
    return household


async def _incomplete(app: FastAPI, region: str) -> Household:
    household: Household = await create_household(
        app, region=region, categories=[{"category": "other"}]
    )
    assert not household.complete
    return household


@pytest.fixture
async def ledger(app: FastAPI, anonymous: httpx.AsyncClient) -> None:
    """Street A: grid 1 one complete, one not; community 2 one not, one complete but exited.
    Street B: one complete. Grid 2 of community 1 has none."""
    await _complete(app, "500112001001001")
    await _incomplete(app, "500112001001001")
    await _incomplete(app, "500112001002001")
    exited = await _complete(app, "500112001002001")
    response = await exit_household(anonymous, exited.id)
    assert response.status_code == 200, response.text
    await _complete(app, "500112002001001")


async def _report(
    http: httpx.AsyncClient, username: str, region: str | None = None
) -> dict[str, Any]:
    params = {"region": region} if region else {}
    response = await http.get(REPORT, params=params, headers=await bearer(http, username))
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def _row(code: str, households: int, complete: int, share: str) -> dict[str, Any]:
    return {"region_code": code, "households": households, "complete": complete, "share": share}


DISTRICT = {
    **_row("500112", 4, 2, "0.5000"),
    "regions": [_row("500112001", 3, 1, "0.3333"), _row("500112002", 1, 1, "1.0000")],
}
STREET_A = {
    **_row("500112001", 3, 1, "0.3333"),
    "regions": [_row("500112001001", 2, 1, "0.5000"), _row("500112001002", 1, 0, "0.0000")],
}


@pytest.mark.usefixtures("ledger")
class TestReport:
    async def test_a_district_officer_gets_the_district_per_street(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        assert await _report(anonymous, "district_officer") == DISTRICT

    async def test_a_street_officer_gets_its_street_by_default(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        assert await _report(anonymous, "street_officer") == STREET_A

    async def test_a_community_lists_every_grid_even_an_empty_one(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        assert await _report(anonymous, "community_worker") == {
            **_row("500112001001", 2, 1, "0.5000"),
            "regions": [
                _row("500112001001001", 2, 1, "0.5000"),
                _row("500112001001002", 0, 0, "0"),
            ],
        }

    async def test_a_grid_is_its_own_row(self, anonymous: httpx.AsyncClient) -> None:
        assert await _report(anonymous, "street_officer", "500112001001002") == {
            **_row("500112001001002", 0, 0, "0"),
            "regions": [_row("500112001001002", 0, 0, "0")],
        }

    async def test_a_street_officer_may_ask_for_a_region_within_its_street(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        report = await _report(anonymous, "street_officer", "500112001002")
        assert report == {
            **_row("500112001002", 1, 0, "0.0000"),
            "regions": [
                _row("500112001002001", 1, 0, "0.0000"),
                _row("500112001002002", 0, 0, "0"),
            ],
        }

    async def test_a_street_officer_may_not_ask_for_another_street(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        for region in ("500112002", "500112002001", "500112"):
            response = await anonymous.get(REPORT, params={"region": region}, headers=headers)
            assert_problem(response, 404, "not_found")

    async def test_an_auditor_asks_for_a_region(self, anonymous: httpx.AsyncClient) -> None:
        assert await _report(anonymous, "auditor", "500112") == DISTRICT
        assert await _report(anonymous, "auditor", "500112001") == STREET_A

    async def test_an_auditor_without_a_region_is_not_found(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.get(REPORT, headers=await bearer(anonymous, "auditor"))
        assert_problem(response, 404, "not_found")

    async def test_an_unknown_region_is_not_found(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get(
            REPORT, params={"region": "500112009"}, headers=await bearer(anonymous, "auditor")
        )
        assert_problem(response, 404, "not_found")

    async def test_a_malformed_region_is_refused(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get(
            REPORT, params={"region": "5001120"}, headers=await bearer(anonymous, "auditor")
        )
        assert_invalid(response, ["query", "region"], "string_pattern_mismatch")

    @pytest.mark.parametrize("username", ["grid_worker", "social_worker", "admin"])
    async def test_roles_without_the_report(
        self, anonymous: httpx.AsyncClient, username: str
    ) -> None:
        response = await anonymous.get(REPORT, headers=await bearer(anonymous, username))
        assert_problem(response, 403, "forbidden")


async def test_an_empty_district_reports_zero(anonymous: httpx.AsyncClient) -> None:
    assert await _report(anonymous, "district_officer") == {
        **_row("500112", 0, 0, "0"),
        "regions": [_row("500112001", 0, 0, "0"), _row("500112002", 0, 0, "0")],
    }


async def test_the_report_follows_changes_and_exits(
    app: FastAPI, anonymous: httpx.AsyncClient
) -> None:
    first = await _incomplete(app, "500112001001001")
    second = await _complete(app, "500112001001001")
    await _complete(app, "500112001001001")
    report = await _report(anonymous, "street_officer")
    assert _row("500112001001", 3, 2, "0.6667") in report["regions"]

    headers = await bearer(anonymous, "street_officer")
    fixed = await anonymous.patch(
        f"{HOUSEHOLDS}/{first.id}",
        json={k: v for k, v in COMPLETE.items() if k != "categories"},
        headers={**headers, "If-Match": 'W/"1"'},
    )
    assert fixed.json()["complete"] is True
    exited = await exit_household(anonymous, second.id, "deceased")
    assert exited.status_code == 200, exited.text
    report = await _report(anonymous, "street_officer")
    assert report["regions"][0] == _row("500112001001", 2, 2, "1.0000")
