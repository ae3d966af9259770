"""The demo ledger: every target type and every category in every street, seeded once."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.household_care import DEMO_DIBAO_STANDARD
from app.demo.households import DEMO_HOUSEHOLDS
from app.demo.households import seed as seed_demo_households
from app.demo.regions import STREETS
from app.dictionaries.catalog import CATALOG
from app.households.models import Household, HouseholdCategory, HouseholdTargetType
from tests.conftest import sign_in
from tests.factories import create_demo_district


def _codes(table: str) -> set[str]:
    return {c.code for t in CATALOG if t.name == table for c in t.codes}


async def test_every_street_has_every_target_type_and_category(
    app: FastAPI, session: AsyncSession
) -> None:
    await create_demo_district(session)
    created = await seed_demo_households(app.state.services, "")
    assert created == f"{6 * len(STREETS)} new demo households"
    for street in STREETS:
        street_households = select(Household.id).where(Household.region_code.startswith(street))
        types = set(
            await session.scalars(
                select(HouseholdTargetType.target_type).where(
                    HouseholdTargetType.household_id.in_(street_households)
                )
            )
        )
        categories = set(
            await session.scalars(
                select(HouseholdCategory.category).where(
                    HouseholdCategory.household_id.in_(street_households)
                )
            )
        )
        assert types == _codes("target_type"), street
        assert categories == _codes("vulnerability_category"), street


async def test_seeding_twice_adds_nothing(app: FastAPI, session: AsyncSession) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    assert await seed_demo_households(app.state.services, "") == "0 new demo households"
    assert await session.scalar(select(func.count()).select_from(Household)) == 12


async def test_the_street_officer_reads_a_demo_household_through_the_api(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    token = await sign_in(anonymous, "street_officer_2")
    headers = {"Authorization": f"Bearer {token}"}
    listed = await anonymous.get("/api/v1/households", headers=headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert len(items) == 6
    assert all(item["region_code"].startswith("500112002") for item in items)
    one = await anonymous.get(f"/api/v1/households/{items[0]['id']}", headers=headers)
    assert one.status_code == 200
    assert one.json()["members"][0]["id_number"].startswith("500112")


RIGID = {"medical", "education", "disaster"}
"""The kinds DOMAIN 5 counts as rigid by default."""
BOUNDS = {"income_poverty": Decimal(2), "expenditure_poverty": Decimal(5)}


def _window() -> tuple[str, str]:
    """The 12 calendar months before the current one (Asia/Shanghai), as "YYYY-MM"."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    index = today.year * 12 + today.month - 1
    first, last = index - 12, index - 1
    return f"{first // 12:04d}-{first % 12 + 1:02d}", f"{last // 12:04d}-{last % 12 + 1:02d}"


async def _read(http: httpx.AsyncClient, headers: dict[str, str], path: str) -> dict[str, Any]:
    response = await http.get(path, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_every_demo_household_passes_its_own_types_rules_and_is_complete(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    """Recomputed from the API with exact decimals (DOMAIN 5) against the demo's dibao
    standard: per-capita monthly income I/(12n) within L-2L (income type) or L-5L
    (expenditure type), and rigid expenditure net of reimbursement R < 1.5 I, resp. >= 1.5 I."""
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    first, last = _window()
    limit = DEMO_DIBAO_STANDARD
    checked: dict[str, int] = {}
    for officer in ("street_officer", "street_officer_2"):
        headers = {"Authorization": f"Bearer {await sign_in(anonymous, officer)}"}
        listed = await _read(anonymous, headers, "/api/v1/households?limit=50")
        assert len(listed["items"]) == 6
        for item in listed["items"]:
            base = f"/api/v1/households/{item['id']}"
            record = await _read(anonymous, headers, base)
            assert (record["complete"], record["missing_fields"]) == (True, []), record
            assert record["hukou_region_code"] == "500112"
            assert record["hukou_type"] == "urban"
            assert record["settled_since"] is not None
            assert record["paired_worker_id"] is not None
            incomes = await _read(anonymous, headers, f"{base}/incomes?from={first}&to={last}")
            spent = await _read(anonymous, headers, f"{base}/expenditures?from={first}&to={last}")
            assets = await _read(anonymous, headers, f"{base}/assets")
            assert len({i["month"] for i in incomes["items"]}) == 12
            assert spent["items"]
            assert assets["items"]
            for row in spent["items"]:
                assert Decimal(row["amount"]) == Decimal(row["gross_amount"]) - Decimal(
                    row["reimbursed_amount"]
                )
            income = sum((Decimal(i["amount"]) for i in incomes["items"]), Decimal(0))
            rigid = sum(
                (Decimal(e["amount"]) for e in spent["items"] if e["kind"] in RIGID), Decimal(0)
            )
            assert Decimal(incomes["total"]) == income
            n = len(record["members"])
            per_capita = income / 12 / n
            for held in record["target_types"]:
                kind = held["target_type"]
                checked[kind] = checked.get(kind, 0) + 1
                if kind in BOUNDS:
                    assert limit <= per_capita <= BOUNDS[kind] * limit, (kind, per_capita)
                if kind == "income_poverty":
                    assert rigid < Decimal("1.5") * income
                if kind == "expenditure_poverty":
                    assert rigid >= Decimal("1.5") * income
    assert checked == {
        "dibao": 2,
        "tekun": 2,
        "registered_hardship": 2,
        "income_poverty": 2,
        "expenditure_poverty": 2,
    }


async def test_the_social_worker_sees_its_assigned_households_unmasked(
    app: FastAPI, anonymous: httpx.AsyncClient, session: AsyncSession
) -> None:
    """README: `social_worker`'s agency has the street's agreement, the worker its own
    acknowledgement and assignments; `social_worker_2` has none of that."""
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    headers = {"Authorization": f"Bearer {await sign_in(anonymous, 'social_worker')}"}
    listed = await _read(anonymous, headers, "/api/v1/households")
    assert len(listed["items"]) == 3
    names = {p["name"] for spec in DEMO_HOUSEHOLDS[:3] for p in spec.members}
    seen = set()
    for item in listed["items"]:
        record = await _read(anonymous, headers, f"/api/v1/households/{item['id']}")
        assert record["region_code"].startswith("500112001")
        for member in record["members"]:
            assert "*" not in member["name"]
            assert "*" not in member["id_number"]
            seen.add(member["name"])
    assert seen == names
    other = {"Authorization": f"Bearer {await sign_in(anonymous, 'social_worker_2')}"}
    refused = await anonymous.get("/api/v1/households", headers=other)
    assert (refused.status_code, refused.json()["code"]) == (
        403,
        "confidentiality_agreement_required",
    )
