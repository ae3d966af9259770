"""Auditors reach the ledger only under a live grant (DOMAIN 1, 12; core.reach).

A district officer's grant opens one subtree for a period: the auditor then
reads its households whole (personal data unmasked, every read audited),
never those outside it, never after the grant ends, and never writes.
"""

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEvent
from app.core.db import utcnow
from tests.api.households.ledger_http import bearer, fetch, user_id
from tests.factories import GRID_A1_1, GRID_B1_1, create_demo_district, create_household
from tests.problems import assert_problem


@pytest.fixture
async def homes(app: FastAPI, session: AsyncSession) -> dict[str, Any]:
    await create_demo_district(session)
    return {
        "inside": await create_household(app, region=GRID_A1_1),
        "outside": await create_household(app, region=GRID_B1_1),
    }


async def _grant(
    app: FastAPI, http: httpx.AsyncClient, *, region: str = "500112001", hours: int = 24
) -> dict[str, Any]:
    start = utcnow() - timedelta(minutes=1)
    response = await http.post(
        "/api/v1/auditor-grants",
        json={
            "auditor_id": str(await user_id(app, "auditor")),
            "region_code": region,
            "reason": "第四季度台账抽查",
            "valid_from": start.isoformat(),
            "valid_until": (start + timedelta(hours=hours)).isoformat(),
        },
        headers=await bearer(http, "district_officer"),
    )
    assert response.status_code == 201, response.text
    grant: dict[str, Any] = response.json()
    return grant


class TestWithoutAGrant:
    async def test_the_ledger_is_empty_and_every_household_is_404(
        self, app: FastAPI, anonymous: httpx.AsyncClient, homes: dict[str, Any]
    ) -> None:
        auditor = await bearer(anonymous, "auditor")
        listed = await anonymous.get("/api/v1/households", headers=auditor)
        assert listed.status_code == 200
        assert listed.json() == {"items": [], "next_cursor": None}
        one = await anonymous.get(f"/api/v1/households/{homes['inside'].id}", headers=auditor)
        assert_problem(one, 404, "not_found")


class TestUnderAGrant:
    async def test_reads_the_granted_subtree_whole_and_every_read_is_audited(
        self, app: FastAPI, anonymous: httpx.AsyncClient, homes: dict[str, Any]
    ) -> None:
        await _grant(app, anonymous)
        auditor = await bearer(anonymous, "auditor")
        listed = await anonymous.get("/api/v1/households", headers=auditor)
        assert [h["id"] for h in listed.json()["items"]] == [str(homes["inside"].id)]
        one = await anonymous.get(f"/api/v1/households/{homes['inside'].id}", headers=auditor)
        assert one.status_code == 200, one.text
        member = one.json()["members"][0]
        assert "*" not in member["id_number"]
        assert "*" not in member["name"]
        assert member["birth_date"] is not None
        reads = await fetch(
            app,
            select(AuditEvent.action, AuditEvent.role).where(
                AuditEvent.object_id == str(homes["inside"].id),
                AuditEvent.action == "household.read",
            ),
        )
        assert [tuple(r) for r in reads] == [("household.read", "auditor")]

    async def test_outside_the_grant_is_404(
        self, app: FastAPI, anonymous: httpx.AsyncClient, homes: dict[str, Any]
    ) -> None:
        await _grant(app, anonymous)
        auditor = await bearer(anonymous, "auditor")
        response = await anonymous.get(f"/api/v1/households/{homes['outside'].id}", headers=auditor)
        assert_problem(response, 404, "not_found")

    async def test_a_revoked_grant_opens_nothing(
        self, app: FastAPI, anonymous: httpx.AsyncClient, homes: dict[str, Any]
    ) -> None:
        grant = await _grant(app, anonymous)
        revoked = await anonymous.post(
            f"/api/v1/auditor-grants/{grant['id']}/revoke",
            headers=await bearer(anonymous, "district_officer"),
        )
        assert revoked.status_code == 200
        auditor = await bearer(anonymous, "auditor")
        response = await anonymous.get(f"/api/v1/households/{homes['inside'].id}", headers=auditor)
        assert_problem(response, 404, "not_found")

    async def test_an_auditor_never_writes(
        self, app: FastAPI, anonymous: httpx.AsyncClient, homes: dict[str, Any]
    ) -> None:
        await _grant(app, anonymous)
        auditor = await bearer(anonymous, "auditor")
        response = await anonymous.patch(
            f"/api/v1/households/{homes['inside'].id}",
            json={"address": "改写"},
            headers={**auditor, "If-Match": '"1"'},
        )
        assert_problem(response, 403, "forbidden")

    async def test_a_grant_of_a_whole_district_and_a_street_reach_the_district(
        self, app: FastAPI, anonymous: httpx.AsyncClient, homes: dict[str, Any]
    ) -> None:
        await _grant(app, anonymous, region="500112001")
        await _grant(app, anonymous, region="500112")
        auditor = await bearer(anonymous, "auditor")
        listed = await anonymous.get("/api/v1/households", headers=auditor)
        assert {h["id"] for h in listed.json()["items"]} == {
            str(homes["inside"].id),
            str(homes["outside"].id),
        }
