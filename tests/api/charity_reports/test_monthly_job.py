"""定时报送: the worker generates the previous month's report of every street that has none,
exactly once however often its upkeep runs, as `system`, announcing each."""

import uuid
from datetime import date, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from app.charity_reports import rules
from app.charity_reports.models import CharityReport
from app.core.clock import business_today
from app.core.events import DomainEvent
from app.domains import build_worker
from app.regions.models import Region
from tests.api.charity_reports.charity_http import generated
from tests.api.households.ledger_http import fetch

LAST_MONTH = rules.previous_month(business_today())


async def test_the_upkeep_generates_last_months_reports_once(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    streets = sorted(
        code for (code,) in await fetch(app, select(Region.code).where(Region.level == "street"))
    )
    assert len(streets) >= 2
    by_hand = await generated(http, LAST_MONTH, region=streets[0])
    worker = build_worker(app.state.services)
    assert "generate_charity_reports" in [task.name for task in worker.tasks]
    await worker.run_upkeep(force=True)
    await worker.run_upkeep(force=True)
    rows = await fetch(
        app,
        select(CharityReport.region_code, CharityReport.version, CharityReport.generated_by)
        .where(CharityReport.month == LAST_MONTH)
        .order_by(CharityReport.region_code),
    )
    assert [tuple(row) for row in rows] == [
        (streets[0], 1, by_hand["generated_by"]),
        *((street, 1, "system") for street in streets[1:]),
    ]
    announced = await fetch(
        app, select(DomainEvent.payload).where(DomainEvent.name == "charity_report.generated")
    )
    assert sorted(payload["region_code"] for (payload,) in announced) == streets


async def test_a_report_made_while_the_month_ran_does_not_count_as_the_months_report(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    """A street officer's report of the running month tells of part of it: once the month is
    over, the upkeep still makes the month's own report of that street."""
    [street, *_] = sorted(
        code for (code,) in await fetch(app, select(Region.code).where(Region.level == "street"))
    )
    early = await generated(http, LAST_MONTH, region=street)
    mid_month = date.fromisoformat(f"{LAST_MONTH}-15")
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(CharityReport)
            .where(CharityReport.id == uuid.UUID(early["id"]))
            .values(as_of=mid_month)
        )
    await build_worker(app.state.services).run_upkeep(force=True)
    rows = await fetch(
        app,
        select(CharityReport.version, CharityReport.as_of, CharityReport.generated_by)
        .where(CharityReport.month == LAST_MONTH, CharityReport.region_code == street)
        .order_by(CharityReport.version),
    )
    month_end = date.fromisoformat(f"{business_today():%Y-%m}-01") - timedelta(days=1)
    assert [tuple(row) for row in rows] == [
        (1, mid_month, early["generated_by"]),
        (2, month_end, "system"),
    ]
