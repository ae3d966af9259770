"""Policy versions' fixtures: the demo district, and an officer of another district."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditContext
from app.core.permissions import Role
from app.identity import users
from app.identity.schemas import UserCreate
from tests.factories import DEMO_PASSWORD, create_demo_district, create_region

OTHER_DISTRICT = "500113"
OTHER_OFFICER = "district_officer_banan"


@pytest.fixture
async def district(app: FastAPI, session: AsyncSession) -> None:
    """Yubei with its demo users, and 巴南区 with a district officer of its own."""
    await create_demo_district(session)
    await create_region(session, OTHER_DISTRICT, "巴南区")
    async with app.state.services.database.sessionmaker() as writing, writing.begin():
        await users.create(
            writing,
            AuditContext(None, None, None, None),
            app.state.services.password_hasher,
            UserCreate(
                username=OTHER_OFFICER,
                display_name="巴南区民政局干部",
                role=Role.district_officer,
                scope_region_code=OTHER_DISTRICT,
                password=DEMO_PASSWORD,
            ),
            min_length=1,
        )


@pytest.fixture
def http(anonymous: httpx.AsyncClient, district: None) -> httpx.AsyncClient:
    return anonymous
