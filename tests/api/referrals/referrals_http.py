"""Arranging referrals through the API: the routing table, a household with a need, a
referral sent by hand, and a department officer of another organisation."""

import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select, update

from app.core.audit import AuditContext
from app.core.clock import business_today
from app.core.permissions import Role
from app.households.models import HouseholdNeed
from app.identity import users
from app.identity.schemas import UserCreate
from app.referrals.models import Referral
from tests.api.households.ledger_http import bearer, fetch, organization_id
from tests.factories import DEMO_PASSWORD, GRID_A1_1, create_household

REFERRALS = "/api/v1/referrals"
ROUTES = "/api/v1/referral-routes"
RED_CROSS = "渝北区红十字会"
MEDICAL_SECURITY = "渝北区医疗保障局"
HEALTH = "渝北区卫生健康委员会"


async def need_instances(app: FastAPI, household_id: Any) -> list[uuid.UUID]:
    """The ids of a household's need instances, in the order they were noted."""
    rows = await fetch(
        app,
        select(HouseholdNeed.id)
        .where(HouseholdNeed.household_id == household_id)
        .order_by(HouseholdNeed.noted_on, HouseholdNeed.id),
    )
    return [row[0] for row in rows]


async def need_of(app: FastAPI, household_id: Any, code: str = "medical") -> uuid.UUID:
    [(found,)] = await fetch(
        app,
        select(HouseholdNeed.id).where(
            HouseholdNeed.household_id == household_id, HouseholdNeed.code == code
        ),
    )
    assert isinstance(found, uuid.UUID)
    return found


async def household_with_need(app: FastAPI, region: str = GRID_A1_1, code: str = "medical") -> Any:
    """A household of the ledger with one open need of `code`: (household, need id)."""
    household = await create_household(app, region=region, needs=[code])
    return household, await need_of(app, household.id, code)


async def refer_need(
    app: FastAPI,
    http: httpx.AsyncClient,
    need: Any,
    receiver: str = RED_CROSS,
    username: str = "street_officer",
) -> dict[str, Any]:
    """`username` refers the need instance `need` to the organisation named `receiver`."""
    response = await http.post(
        REFERRALS,
        json={
            "need_id": str(need),
            "receiver_organization_id": str(await organization_id(app, receiver)),
        },
        headers=await bearer(http, username),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def refer(
    app: FastAPI,
    http: httpx.AsyncClient,
    household: Any,
    receiver: str = RED_CROSS,
    code: str = "medical",
) -> dict[str, Any]:
    """The street officer refers the household's need of `code` to `receiver`."""
    return await refer_need(app, http, await need_of(app, household.id, code), receiver)


async def send(
    app: FastAPI,
    http: httpx.AsyncClient,
    *,
    username: str = "street_officer",
    region: str = GRID_A1_1,
    receiver: str = RED_CROSS,
) -> dict[str, Any]:
    """A referral of a fresh household's medical need to `receiver`, sent by `username`."""
    _, need = await household_with_need(app, region)
    return await refer_need(app, http, need, receiver, username)


async def consent(
    app: FastAPI,
    http: httpx.AsyncClient,
    household: Any,
    scope: list[str],
    organization: str = RED_CROSS,
    **fields: Any,
) -> dict[str, Any]:
    """The household head's written consent to share `scope` with `organization`, recorded by
    the street officer, given today unless `fields` say otherwise (`given_on`,
    `valid_until`)."""
    response = await http.post(
        f"/api/v1/households/{household.id}/consents",
        json={
            "organization_id": str(await organization_id(app, organization)),
            "person_id": str(household.head_person_id),
            "given_on": business_today().isoformat(),
            "scope": scope,
            "purpose": "转介办理",
            "method": "written",
            **fields,
        },
        headers=await bearer(http, "street_officer"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def act(
    http: httpx.AsyncClient,
    referral: dict[str, Any],
    action: str,
    username: str = "department_officer",
    **fields: Any,
) -> httpx.Response:
    headers = {**await bearer(http, username), "If-Match": f'W/"{referral["version"]}"'}
    return await http.post(f"{REFERRALS}/{referral['id']}/{action}", json=fields, headers=headers)


async def set_row(app: FastAPI, referral_id: Any, **values: Any) -> None:
    """Put a referral into a state or due day directly (arranging, not acting)."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(Referral).where(Referral.id == uuid.UUID(str(referral_id))).values(**values)
        )


async def department_officer_of(app: FastAPI, organization: str, username: str) -> None:
    """A department officer of another organisation, committed."""
    async with app.state.services.database.sessionmaker() as session, session.begin():
        await users.create(
            session,
            AuditContext(None, None, None, None),
            app.state.services.password_hasher,
            UserCreate(
                username=username,
                display_name=f"{organization}工作人员",
                role=Role.department_officer,
                organization_id=await organization_id(app, organization),
                password=SecretStr(DEMO_PASSWORD),
            ),
            min_length=1,
        )


async def route(http: httpx.AsyncClient, need: str, kind: str, days: int = 10) -> dict[str, Any]:
    response = await http.post(
        ROUTES,
        json={"need_code": need, "organization_kind": kind, "due_working_days": days},
        headers=await bearer(http, "admin"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def default(
    app: FastAPI, http: httpx.AsyncClient, kind: str, region: str, organization: str
) -> dict[str, Any]:
    response = await http.put(
        f"{ROUTES}/defaults",
        json={
            "organization_kind": kind,
            "region_code": region,
            "organization_id": str(await organization_id(app, organization)),
        },
        headers=await bearer(http, "admin"),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
