"""定时报送: the worker generates the previous month's report of every street that has none,
exactly once however often its upkeep runs, as `system`, announcing each."""

import httpx
from fastapi import FastAPI
from sqlalchemy import select

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
