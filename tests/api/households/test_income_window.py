"""Stored completeness follows the month (DOMAIN 4): when the month turns, the income window
moves without anyone writing a record, and the worker's upkeep brings every record along."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import business_today
from app.core.worker import PeriodicTask
from app.domains import DOMAINS, build_worker
from app.households.models import Household
from app.households.record import completeness, income_window
from app.households.record.rules import previous_months
from tests.api.households.ledger_http import fetch
from tests.api.households.records import COMPLETE, HOUSEHOLDS, bearer
from tests.factories import create_complete_household, create_demo_district, create_household

TODAY = business_today()
NEXT_MONTH = date(TODAY.year + TODAY.month // 12, TODAY.month % 12 + 1, 1)
"""The first day of the month after this one: the day the window moves."""
Upkeep = Callable[[date], Awaitable[Any]]


@pytest.fixture(autouse=True)
async def seeded(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
def upkeep(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Upkeep:
    """Run the worker's own task as it would run on `day` (its clock frozen there); the
    number of records it changed."""
    services = app.state.services
    [task] = [
        t for t in build_worker(services, DOMAINS).tasks if t.name == "refresh_income_windows"
    ]

    async def run(day: date) -> Any:
        monkeypatch.setattr(income_window, "business_today", lambda: day)
        async with services.database.sessionmaker() as session, session.begin():
            return await task.run(session, services)

    return run


def test_the_worker_runs_it_at_least_daily(app: FastAPI) -> None:
    tasks: list[PeriodicTask] = build_worker(app.state.services, DOMAINS).tasks
    [task] = [t for t in tasks if t.name == "refresh_income_windows"]
    assert task.every_seconds <= 24 * 3600


async def _stored(app: FastAPI) -> list[tuple[Any, ...]]:
    """Every household row as stored."""
    return sorted(tuple(map(repr, row)) for row in await fetch(app, select(Household.__table__)))


async def _record(http: httpx.AsyncClient, household: Household) -> dict[str, Any]:
    headers = await bearer(http, "street_officer")
    response = await http.get(f"{HOUSEHOLDS}/{household.id}", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def _recomputed(app: FastAPI, household: Household, day: date) -> list[str]:
    """What a write on `day` would store as the household's gaps (rolled back)."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        found = await session.get(Household, household.id)
        assert found is not None
        await completeness.refresh(session, found, day)
        gaps = list(found.missing_fields)
        await session.rollback()
    return gaps


class TestMonthTurns:
    async def test_a_complete_record_lacks_the_month_just_ended_once_the_job_ran(
        self, app: FastAPI, anonymous: httpx.AsyncClient, upkeep: Upkeep
    ) -> None:
        household = await create_complete_household(app, **COMPLETE)
        assert (household.complete, household.missing_fields) == (True, [])
        assert await upkeep(TODAY) == 0, "within the month nothing moved"
        before = await _record(anonymous, household)

        assert await upkeep(NEXT_MONTH) == 1

        after = await _record(anonymous, household)
        assert (after["complete"], after["missing_fields"]) == (False, [f"incomes.{TODAY:%Y-%m}"])
        assert after["missing_fields"] == await _recomputed(app, household, NEXT_MONTH)
        # A reading against the calendar, not a change of the record.
        assert (after["version"], after["updated_at"]) == (before["version"], before["updated_at"])
        report = await anonymous.get(
            f"{HOUSEHOLDS}/completeness", headers=await bearer(anonymous, "street_officer")
        )
        assert (report.json()["households"], report.json()["complete"]) == (1, 0)

    async def test_running_it_twice_changes_nothing(self, app: FastAPI, upkeep: Upkeep) -> None:
        await create_complete_household(app, **COMPLETE)
        await create_household(app, categories=[{"category": "other"}])
        assert await upkeep(NEXT_MONTH) == 2
        stored = await _stored(app)

        assert await upkeep(NEXT_MONTH) == 0

        assert await _stored(app) == stored

    async def test_an_incomplete_record_trades_its_oldest_income_gap_for_the_newest(
        self, app: FastAPI, anonymous: httpx.AsyncClient, upkeep: Upkeep
    ) -> None:
        household = await create_household(app, categories=[{"category": "other"}])
        others = [g for g in household.missing_fields if not g.startswith("incomes.")]
        assert others, "gaps besides the incomes, which the job leaves alone"

        assert await upkeep(NEXT_MONTH) == 1

        after = await _record(anonymous, household)
        window = [f"incomes.{m:%Y-%m}" for m in previous_months(NEXT_MONTH)]
        assert after["missing_fields"] == sorted([*others, *window])
        assert after["missing_fields"] == await _recomputed(app, household, NEXT_MONTH)
        oldest = f"incomes.{previous_months(TODAY)[0]:%Y-%m}"
        assert oldest in household.missing_fields
        assert oldest not in after["missing_fields"]
