"""Identity tests start from the demo district: its users and API clients exist."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.main import create_app
from tests.api.identity.helpers import headers_for
from tests.factories import create_demo_district


@pytest.fixture
async def demo(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def admin(demo: None, anonymous: httpx.AsyncClient) -> dict[str, str]:
    """Authorization headers of the demo admin."""
    return await headers_for(anonymous, "admin")


SecondApp = Callable[..., Any]


@pytest.fixture
def second_app(settings: Settings) -> SecondApp:
    """Another app instance on the same database, with some settings changed."""

    @asynccontextmanager
    async def build(**changes: Any) -> AsyncIterator[httpx.AsyncClient]:
        other: FastAPI = create_app(settings.model_copy(update=changes))
        transport = httpx.ASGITransport(app=other, raise_app_exceptions=False)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http
        finally:
            await other.state.database.dispose()

    return build
