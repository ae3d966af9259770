"""Finance tests start from the demo district (as identity tests do) and one household of street A."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.identity.conftest import database_url, demo, demo_template
from tests.api.identity.helpers import bearer
from tests.conftest import sign_in
from tests.factories import create_household

__all__ = ["database_url", "demo", "demo_template"]


class Api:
    """HTTP calls of the finance endpoints, signed in as one demo user at a time."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self._tokens: dict[str, str] = {}

    async def headers(self, username: str, **extra: str) -> dict[str, str]:
        if username not in self._tokens:
            self._tokens[username] = await sign_in(self.http, username)
        return {**bearer(self._tokens[username]), **extra}

    async def get(
        self, path: str, username: str = "street_officer", **params: str
    ) -> httpx.Response:
        return await self.http.get(path, headers=await self.headers(username), params=params)

    async def put(
        self,
        path: str,
        body: Any,
        *,
        version: int | str | None,
        username: str = "street_officer",
        **params: str,
    ) -> httpx.Response:
        extra = {} if version is None else {"If-Match": f'W/"{version}"'}
        return await self.http.put(
            path, json=body, headers=await self.headers(username, **extra), params=params
        )


@pytest.fixture
async def api(demo: None, anonymous: httpx.AsyncClient) -> Api:
    return Api(anonymous)


@pytest.fixture
async def household(demo: None, app: FastAPI) -> Any:
    """A household of street A (grid 500112001001001): the head and her husband, both
    members since 2020 (incomes are by member and month)."""
    return await create_household(
        app,
        members=[
            {"name": "张秀英", "relation_to_head": "self", "joined_on": "2020-01-01"},
            {"name": "李建国", "relation_to_head": "spouse", "joined_on": "2020-01-01"},
        ],
    )


@pytest.fixture
async def members(app: FastAPI, household: Any) -> list[Any]:
    """Person ids of the household's members, the head first."""
    from app.households.record import repository

    async with app.state.services.database.sessionmaker() as session:
        rows = await repository.members(session, household.id)
    head = household.head_person_id
    return sorted((p.id for _, p in rows), key=lambda person_id: person_id != head)
