"""Small helpers for the member, transfer and stewardship tests: signing in, lookups, history."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.sql import Executable

from app.core.audit import AuditContext
from app.core.clock import business_today
from app.core.permissions import Role
from app.households.models import Membership
from app.identity import users
from app.identity.schemas import UserCreate
from app.organizations.models import Organization
from tests.conftest import sign_in
from tests.factories import DEMO_PASSWORD, GRID_B1_1, STREET_A, id_number

AGENCY = "渝北区同心社会工作服务中心"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
"""A small valid PDF: what a document upload needs."""


async def bearer(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await sign_in(http, username)}"}


async def fetch(app: FastAPI, stmt: Executable) -> list[Any]:
    """Rows of a query in a fresh, short transaction (the test session would hold SQLite's lock)."""
    async with app.state.services.database.sessionmaker() as session:
        return list((await session.execute(stmt)).all())


async def user_id(app: FastAPI, username: str) -> uuid.UUID:
    async with app.state.services.database.sessionmaker() as session:
        user = await users.find(session, username)
    assert user is not None
    return user.id


async def organization_id(app: FastAPI, name: str) -> uuid.UUID:
    rows = await fetch(app, select(Organization.id).where(Organization.name == name))
    found: uuid.UUID = rows[0][0]
    return found


async def memberships(app: FastAPI, person_id: uuid.UUID) -> list[Membership]:
    """Every membership of a person, oldest first."""
    rows = await fetch(
        app,
        select(Membership)
        .where(Membership.person_id == person_id)
        .order_by(Membership.created_at, Membership.id),
    )
    return [row[0] for row in rows]


def member(relation: str = "spouse", **fields: Any) -> dict[str, Any]:
    """A MemberIn body with a fresh valid ID number."""
    return {"name": "李建国", "id_number": id_number(), "relation_to_head": relation, **fields}


async def household(http: httpx.AsyncClient, headers: dict[str, str], hid: Any) -> dict[str, Any]:
    response = await http.get(f"/api/v1/households/{hid}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def history(
    http: httpx.AsyncClient, headers: dict[str, str], hid: Any
) -> list[dict[str, Any]]:
    """The household's history entries, oldest first."""
    response = await http.get(f"/api/v1/households/{hid}/history?limit=200", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def open_to_social_worker(
    app: FastAPI,
    http: httpx.AsyncClient,
    *,
    worker: str = "social_worker",
    agency: str = AGENCY,
    street: str = STREET_A,
) -> dict[str, str]:
    """The street's agreement with the agency and the worker's acknowledgement; the worker's headers."""
    today = business_today()
    officer = await bearer(http, "street_officer" if street == STREET_A else "street_officer_2")
    recorded = await http.post(
        "/api/v1/confidentiality-agreements",
        json={
            "street_code": street,
            "agency_id": str(await organization_id(app, agency)),
            "signed_on": (today - timedelta(days=30)).isoformat(),
            "valid_until": (today + timedelta(days=335)).isoformat(),
        },
        headers=officer,
    )
    assert recorded.status_code == 201, recorded.text
    headers = await bearer(http, worker)
    acknowledged = await http.post(
        "/api/v1/users/me/confidentiality-acknowledgement", headers=headers
    )
    assert acknowledged.status_code == 200, acknowledged.text
    return headers


async def grid_worker_of_street_b(app: FastAPI) -> uuid.UUID:
    """A grid worker of the other demo street (`grid_worker_b`), committed."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        user = await users.create(
            session,
            AuditContext(None, None, None, None),
            app.state.services.password_hasher,
            UserCreate(
                username="grid_worker_b",
                display_name="空港社区第一网格员",
                role=Role.grid_worker,
                scope_region_code=GRID_B1_1,
                password=SecretStr(DEMO_PASSWORD),
            ),
            min_length=1,
        )
    return user.id


async def exit_household(
    http: httpx.AsyncClient,
    hid: Any,
    reason: str = "out_of_hardship",
    *,
    street_officer: str = "street_officer",
) -> httpx.Response:
    """The household leaves the ledger: its street officer proposes the exit on today's
    follow-up visit and confirms it; the confirmation's response."""
    headers = await bearer(http, street_officer)
    basis = {"code": "follow_up_visit", "on": business_today().isoformat()}
    proposed = await http.post(
        f"/api/v1/households/{hid}/exit-proposals",
        json={"reason": reason, "basis": basis},
        headers=headers,
    )
    assert proposed.status_code == 201, proposed.text
    return await http.post(
        f"/api/v1/households/{hid}/exit-proposals/{proposed.json()['id']}/confirm",
        headers=headers,
    )
