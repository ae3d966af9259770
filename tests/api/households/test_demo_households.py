"""The demo ledger: every target type and every category in every street, seeded once."""

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.households import seed as seed_demo_households
from app.demo.regions import STREETS
from app.dictionaries.catalog import CATALOG
from app.households.models import (
    Household,
    HouseholdCategory,
    HouseholdTargetType,
    TargetTypeDecision,
)
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


async def test_demo_target_types_are_decisions_with_body_date_and_reference(
    app: FastAPI, session: AsyncSession
) -> None:
    await create_demo_district(session)
    await seed_demo_households(app.state.services, "")
    found = list(await session.scalars(select(TargetTypeDecision)))
    registered = [d for d in found if d.target_type in ("dibao", "tekun", "registered_hardship")]
    assert len(registered) == 3 * len(STREETS)
    for decided in registered:
        assert decided.source == "recorded_by_staff"
        assert decided.deciding_body == "重庆市渝北区民政局"
        assert decided.decided_on is not None
        assert decided.reference is not None
        assert decided.reference.startswith("渝北民")
        household = await session.get(Household, decided.household_id)
        assert household is not None
        assert household.hukou_type == "urban"
    assessed = [d for d in found if d.source == "assessment"]
    assert sorted(d.target_type for d in assessed) == sorted(
        ["income_poverty", "expenditure_poverty"] * len(STREETS)
    )
