"""Helpers of the discovery report tests: a report's body, filing one, reading rows."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from app.core.clock import business_today
from app.intake.models import Deadline
from tests.api.households.ledger_http import bearer, fetch
from tests.factories import GRID_A1_1

REPORTS = "/api/v1/discovery-reports"


def report(**fields: Any) -> dict[str, Any]:
    """A DiscoveryReportIn body: noticed yesterday in the demo grid, routine, no hardship."""
    return {
        "region_code": GRID_A1_1,
        "noticed_on": (business_today() - timedelta(days=1)).isoformat(),
        "subject_name": "王德明",
        "address": "百果园小区 9 栋 1 单元 101",
        "situation": "独居老人，行动不便。",
        "urgency": "routine",
        **fields,
    }


async def file(
    http: httpx.AsyncClient, username: str = "street_officer", **fields: Any
) -> dict[str, Any]:
    """File a report as `username`; the created report's body."""
    response = await http.post(REPORTS, json=report(**fields), headers=await bearer(http, username))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def step(
    http: httpx.AsyncClient,
    username: str,
    filed: dict[str, Any],
    action: str,
    body: dict[str, Any],
    *,
    version: int | None = None,
) -> httpx.Response:
    """POST a triage step with `If-Match` of the report's version (or `version`)."""
    headers = await bearer(http, username)
    headers["If-Match"] = f'W/"{filed["version"] if version is None else version}"'
    return await http.post(f"{REPORTS}/{filed['id']}/{action}", json=body, headers=headers)


async def deadlines(app: FastAPI, report_id: Any) -> dict[str, Deadline]:
    """The report's deadlines by kind."""
    rows = await fetch(
        app, select(Deadline).where(Deadline.discovery_report_id == uuid.UUID(str(report_id)))
    )
    return {row[0].kind: row[0] for row in rows}
