"""`in_force`: the policy the assessment reads (DOMAIN 5): the most specific region's
published version whose window holds the day; `terms_of`: its figures as the rules read them."""

from datetime import date
from decimal import Decimal

import httpx
from fastapi import FastAPI

from app.eligibility.policies.service import in_force, terms_of
from app.eligibility.terms import AssetLimits, Factor, PolicyTerms
from tests.api.eligibility.policies_http import (
    WEIGHTS,
    create_policy,
    in_force_id,
    published,
    step,
)
from tests.factories import COMMUNITY_A1, GRID_A1_1, STREET_A, STREET_B


class TestInForce:
    async def test_the_window_includes_both_ends(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        old = await published(http, effective_from="2025-01-01", effective_to="2025-12-31")
        new = await published(http, effective_from="2026-01-01", dibao_standard="760.00")

        assert await in_force_id(app, GRID_A1_1, date(2024, 12, 31)) is None
        assert await in_force_id(app, GRID_A1_1, date(2025, 1, 1)) == old["id"]
        assert await in_force_id(app, GRID_A1_1, date(2025, 12, 31)) == old["id"]
        assert await in_force_id(app, GRID_A1_1, date(2026, 1, 1)) == new["id"]
        assert await in_force_id(app, GRID_A1_1, date(2099, 12, 31)) == new["id"]

    async def test_the_most_specific_region_wins(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        district = await published(http, effective_from="2025-01-01")
        street = await published(http, region_code=STREET_A, effective_from="2026-01-01")
        community = await published(
            http, region_code=COMMUNITY_A1, effective_from="2026-03-01", effective_to="2026-03-31"
        )

        assert await in_force_id(app, GRID_A1_1, date(2025, 6, 1)) == district["id"]
        assert await in_force_id(app, GRID_A1_1, date(2026, 1, 1)) == street["id"]
        assert await in_force_id(app, GRID_A1_1, date(2026, 3, 1)) == community["id"]
        assert await in_force_id(app, GRID_A1_1, date(2026, 3, 31)) == community["id"]
        assert await in_force_id(app, GRID_A1_1, date(2026, 4, 1)) == street["id"]
        assert await in_force_id(app, STREET_A, date(2026, 3, 15)) == street["id"]
        assert await in_force_id(app, STREET_B, date(2026, 3, 15)) == district["id"]
        assert await in_force_id(app, "500112", date(2026, 3, 15)) == district["id"]

    async def test_drafts_and_retired_versions_are_neverin_force_id(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        await create_policy(http, effective_from="2025-01-01")
        retired = await published(http, region_code=STREET_A, effective_from="2025-01-01")
        await step(http, retired, "retire")

        assert await in_force_id(app, GRID_A1_1, date(2026, 1, 1)) is None

    async def test_terms_of_a_version_are_its_figures(
        self, app: FastAPI, http: httpx.AsyncClient
    ) -> None:
        await published(
            http,
            dibao_standard="720.00",
            income_floor="1.00",
            income_ceiling="2.00",
            expenditure_ceiling="5.00",
            expenditure_ratio="1.50",
            residency_years=2,
            rigid_kinds=["medical", "disaster"],
            asset_limits={
                "financial_per_capita": "21600.00",
                "vehicles": 0,
                "real_estate_units": 1,
            },
        )
        async with app.state.services.database.sessionmaker() as session:
            version = await in_force(session, GRID_A1_1, date(2026, 5, 1))
            assert version is not None
            terms = terms_of(version)

        assert terms == PolicyTerms(
            dibao_standard=Decimal("720.00"),
            income_floor=Decimal(1),
            income_ceiling=Decimal(2),
            expenditure_ceiling=Decimal(5),
            expenditure_ratio=Decimal("1.5"),
            residency_years=2,
            rigid_kinds=frozenset({"medical", "disaster"}),
            asset_limits=AssetLimits(
                financial_per_capita=Decimal(21600),
                vehicles=0,
                exempt_vehicle_types=frozenset({"disability_vehicle"}),
                real_estate_units=1,
                real_estate_area_per_capita=None,
            ),
            weights={Factor(k): v for k, v in WEIGHTS.items()},
        )
        assert sum(terms.weights.values()) == 100
