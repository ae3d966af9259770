"""Charity report fixtures: the demo district (its charity federation and partner systems)."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import create_demo_district


@pytest.fixture
async def http(anonymous: httpx.AsyncClient, session: AsyncSession) -> httpx.AsyncClient:
    await create_demo_district(session)
    return anonymous
