"""Share of complete records per region (DOMAIN 3; Beijing 7: the district spot-checks it)."""

from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.households.models import Household
from tests.api.households.ledger_http import exit_household
from tests.api.households.records import COMPLETE, HOUSEHOLDS, bearer
from tests.factories import (
    CORE_FIELDS,
    create_complete_household,
    create_demo_district,
    create_household,
    id_number,
    make_complete,
)
from tests.problems import assert_invalid, assert_problem

REPORT = f"{HOUSEHOLDS}/completeness"


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


async def _complete(app: FastAPI, region: str) -> Household:
    household: Household = await create_complete_household(app, region=region, **COMPLETE)
    assert household.complete, household.missing_fields
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
        assert_invalid(response, ["query", "region"], "pattern")

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
    first = await make_complete(
        app,
        await create_household(
            app,
            region="500112001001001",
            categories=[{"category": "other"}],
            members=[{"name": "张秀英", "relation_to_head": "self", "joined_on": "2020-01-01"}],
            **CORE_FIELDS,
        ),
    )
    assert not first.complete
    second = await _complete(app, "500112001001001")
    await _complete(app, "500112001001001")
    report = await _report(anonymous, "street_officer")
    assert _row("500112001001", 3, 2, "0.6667") in report["regions"]

    headers = await bearer(anonymous, "street_officer")
    fixed = await anonymous.patch(
        f"{HOUSEHOLDS}/{first.id}",
        json={k: v for k, v in COMPLETE.items() if k != "categories"},
        headers={**headers, "If-Match": f'W/"{first.version}"'},
    )
    assert fixed.json()["complete"] is True
    exited = await exit_household(anonymous, second.id, "deceased")
    assert exited.status_code == 200, exited.text
    report = await _report(anonymous, "street_officer")
    assert report["regions"][0] == _row("500112001001", 2, 2, "1.0000")


def _months_before(today: date, count: int = 12) -> list[str]:
    index = today.year * 12 + today.month - 1
    return [f"{(index - n) // 12:04d}-{(index - n) % 12 + 1:02d}" for n in range(count, 0, -1)]


class TestCoreFields:
    """DOMAIN 4's core fields: grid-level region, hukou code and type, settled-since, a
    plan, a paired worker and an income row in each of the 12 months before this one."""

    async def test_a_new_record_lists_every_core_gap_by_name(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        headers = await bearer(anonymous, "street_officer")
        response = await anonymous.post(
            HOUSEHOLDS,
            json={
                "region_code": "500112001001",
                "address": "百果园社区 1 号",
                **COMPLETE,
                "members": [
                    {"name": "张秀英", "id_number": id_number(), "relation_to_head": "self"}
                ],
            },
            headers=headers,
        )
        assert response.status_code == 201, response.text
        months = [f"incomes.{m}" for m in _months_before(business_today())]
        assert response.json()["missing_fields"] == sorted(
            [
                "hukou_region_code",
                "hukou_type",
                "paired_worker_id",
                "plan",
                "region_code.grid",
                "settled_since",
                *months,
            ]
        )

    async def test_every_gap_has_labels_a_person_reads(self, anonymous: httpx.AsyncClient) -> None:
        headers = await bearer(anonymous, "street_officer")
        created = await anonymous.post(
            HOUSEHOLDS,
            json={
                "region_code": "500112001001",
                "address": "百果园社区 2 号",
                **COMPLETE,
                "categories": [{"category": "social_assistance"}],
                "members": [
                    {"name": "张秀英", "id_number": id_number(), "relation_to_head": "self"}
                ],
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        url = f"{HOUSEHOLDS}/{created.json()['id']}"
        english = (await anonymous.get(url, headers={**headers, "Accept-Language": "en"})).json()
        chinese = (await anonymous.get(url, headers=headers)).json()

        assert english == chinese, "the labels come in both languages, whatever is negotiated"
        labels = {g["field"]: g["label"] for g in chinese["missing_field_labels"]}
        assert [g["field"] for g in chinese["missing_field_labels"]] == chinese["missing_fields"]
        head = chinese["head_person_id"]
        first = _months_before(business_today())[0]
        assert labels["hukou_type"] == {"zh-CN": "户籍类型", "en": "hukou type"}
        assert labels["region_code.grid"]["en"] == "grid (the region must be a grid)"
        assert labels["benefits"] == {"zh-CN": "享受的救助待遇", "en": "benefits received"}
        assert labels[f"members.{head}.employment"] == {
            "zh-CN": "成员的就业状况",
            "en": "member's employment",
        }
        year, month = first.split("-")
        assert labels[f"incomes.{first}"] == {
            "zh-CN": f"{year} 年 {int(month)} 月的收入",
            "en": f"incomes of {first}",
        }

    async def test_twelve_months_of_income_complete_it_and_eleven_do_not(
        self, app: FastAPI, anonymous: httpx.AsyncClient
    ) -> None:
        """A zero income row counts; the current month's does not stand in for a missing one."""
        household = await create_complete_household(app, **COMPLETE)
        assert (household.complete, household.missing_fields) == (True, [])
        months = _months_before(business_today())
        current = f"{business_today():%Y-%m}"
        headers = await bearer(anonymous, "street_officer")
        url = f"{HOUSEHOLDS}/{household.id}/incomes"
        eleven = await anonymous.put(
            url,
            params={"from": months[0], "to": current},
            json={
                "items": [
                    {
                        "person_id": str(household.head_person_id),
                        "month": m,
                        "source": "wages",
                        "amount": "0.00",
                    }
                    for m in [*months[1:], current]
                ]
            },
            headers={**headers, "If-Match": f'W/"{household.version}"'},
        )
        assert eleven.status_code == 200, eleven.text
        record = (await anonymous.get(f"{HOUSEHOLDS}/{household.id}", headers=headers)).json()
        assert (record["complete"], record["missing_fields"]) == (False, [f"incomes.{months[0]}"])

    async def test_a_household_on_a_community_lacks_its_grid(self, app: FastAPI) -> None:
        household = await create_complete_household(app, region="500112001001", **COMPLETE)
        assert household.missing_fields == ["region_code.grid"]
