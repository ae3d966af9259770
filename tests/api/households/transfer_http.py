"""Helpers of the transfer-request tests: a family in another street, filing, acting."""

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from app.households.record import repository
from tests.factories import GRID_B1_1, create_household, id_number

REQUESTS = "/api/v1/transfer-requests"


@dataclass(frozen=True)
class Family:
    """A household of a head and a spouse; the spouse is the one who moves."""

    id: uuid.UUID
    address: str
    head: uuid.UUID
    spouse: uuid.UUID
    spouse_id_number: str


async def family(app: FastAPI, region: str = GRID_B1_1) -> Family:
    number = id_number(birth="1960-05-04")
    address = f"双凤桥某小区 {uuid.uuid4().hex[:6]} 号"
    home = await create_household(
        app,
        region=region,
        address=address,
        members=[
            {"name": "张秀英", "relation_to_head": "self"},
            {
                "name": "王芳",
                "relation_to_head": "spouse",
                "id_number": number,
                "categories": [{"category": "severe_disability"}],
            },
        ],
    )
    async with app.state.services.database.sessionmaker() as session:
        rows = await repository.members(session, home.id)
    [spouse] = [p.id for m, p in rows if m.relation_to_head == "spouse"]
    return Family(home.id, address, home.head_person_id, spouse, number)


async def file(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    number: str,
    to: Any,
    **body: Any,
) -> httpx.Response:
    return await http.post(
        REQUESTS,
        json={
            "id_number": number,
            "to_household_id": str(getattr(to, "id", to)),
            "relation_to_head": "parent",
            "reason": "已随子女迁居本社区。",
            **body,
        },
        headers=headers,
    )


async def filed(
    http: httpx.AsyncClient, headers: dict[str, str], number: str, to: Any, **body: Any
) -> dict[str, Any]:
    response = await file(http, headers, number, to, **body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def act(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    request_id: Any,
    step: str,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    return await http.post(f"{REQUESTS}/{request_id}/{step}", json=body or {}, headers=headers)


async def shown(
    http: httpx.AsyncClient, headers: dict[str, str], request_id: Any
) -> dict[str, Any]:
    response = await http.get(f"{REQUESTS}/{request_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
