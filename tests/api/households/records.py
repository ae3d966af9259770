"""Helpers of the household record tests: tokens, request bodies, audit events and raw rows."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from app.core.audit import AuditEvent
from app.core.clock import business_today
from app.identity import users
from app.organizations.models import Organization
from tests.conftest import sign_in
from tests.factories import GRID_A1_1, id_number, with_decisions

HOUSEHOLDS = "/api/v1/households"
AGENCY = "渝北区同心社会工作服务中心"
COMPLETE: dict[str, Any] = {
    "categories": [{"category": "other"}],
    "basic_situation": "独居",
    "emergency_situation": "无",
    "needs": ["care"],
    "no_help_reason": "declined_by_household",
}
"""The fields besides the core ones that a complete record holds (DOMAIN 4)."""
VEHICLE: dict[str, Any] = {
    "kind": "vehicle",
    "description": "二手面包车",
    "value": "15000.00",
    "ownership_share": "100.00",
    "vehicle_type": "passenger_car",
    "count": 1,
}
"""An asset of a kind with its own fields (vehicle type, count)."""


CORE_GAPS = frozenset(
    {
        "hukou_region_code",
        "hukou_type",
        "settled_since",
        "paired_worker_id",
        "plan",
        "region_code.grid",
    }
)
"""The core fields completeness asks of every record (DOMAIN 4); incomes are `incomes.YYYY-MM`."""


def beyond_core(missing: list[str]) -> list[str]:
    """The gaps a record's categories leave, without the core ones a fresh record always has
    (no plan, no paired worker, no incomes yet)."""
    return [m for m in missing if m not in CORE_GAPS and not m.startswith("incomes.")]


async def bearer(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await sign_in(http, username)}"}


def member(name: str = "张秀英", relation: str = "self", **fields: Any) -> dict[str, Any]:
    """A MemberIn body with a fresh valid ID number unless one is given."""
    return {"name": name, "id_number": id_number(), "relation_to_head": relation, **fields}


def household_body(
    region: str = GRID_A1_1, members: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    """A HouseholdCreate body; by default one member, its head. `target_types` become
    decisions (`with_decisions`)."""
    fields = with_decisions(fields)
    return {
        "region_code": region,
        "address": f"双龙湖街道测试路 {uuid.uuid4().hex[:6]} 号",
        "members": members if members is not None else [member()],
        **fields,
    }


async def create(http: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """POST a household (fields of `household_body`); asserts 201 and returns the body."""
    response = await http.post(HOUSEHOLDS, json=household_body(**body), headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def patch(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    household: dict[str, Any],
    body: dict[str, Any],
) -> httpx.Response:
    """PATCH with If-Match of the version in `household` (a HouseholdOut body)."""
    return await http.patch(
        f"{HOUSEHOLDS}/{household['id']}",
        json=body,
        headers={**headers, "If-Match": f'W/"{household["version"]}"'},
    )


async def audit_events(app: FastAPI, action: str) -> list[AuditEvent]:
    async with app.state.services.database.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return list(rows.scalars())


async def user_id(app: FastAPI, username: str) -> uuid.UUID:
    async with app.state.services.database.sessionmaker() as session:
        user = await users.find(session, username)
    assert user is not None
    return user.id


async def agency_id(app: FastAPI, name: str = AGENCY) -> uuid.UUID:
    async with app.state.services.database.sessionmaker() as session:
        found: uuid.UUID = (
            await session.execute(select(Organization.id).where(Organization.name == name))
        ).scalar_one()
    return found


async def assign_to_social_worker(
    app: FastAPI, http: httpx.AsyncClient, household_id: str, officer: str = "street_officer"
) -> None:
    """The street officer assigns the household to the demo agency and its `social_worker`."""
    response = await http.post(
        f"{HOUSEHOLDS}/{household_id}/assignments",
        json={
            "agency_id": str(await agency_id(app)),
            "social_worker_id": str(await user_id(app, "social_worker")),
        },
        headers=await bearer(http, officer),
    )
    assert response.status_code == 201, response.text


async def open_street_to_social_worker(
    app: FastAPI, http: httpx.AsyncClient, street: str = "500112001"
) -> None:
    """A valid agreement of the street with the demo agency, acknowledged by `social_worker`."""
    today = business_today()
    agreement = await http.post(
        "/api/v1/confidentiality-agreements",
        json={
            "street_code": street,
            "agency_id": str(await agency_id(app)),
            "signed_on": today.isoformat(),
            "valid_until": (today + timedelta(days=365)).isoformat(),
        },
        headers=await bearer(http, "street_officer"),
    )
    assert agreement.status_code == 201, agreement.text
    acknowledged = await http.post(
        "/api/v1/users/me/confidentiality-acknowledgement",
        headers=await bearer(http, "social_worker"),
    )
    assert acknowledged.status_code == 200, acknowledged.text
