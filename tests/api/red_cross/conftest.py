"""Red Cross aid fixtures: the demo district, an officer of another district and a department
officer of an organisation that is not the Red Cross."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditContext
from app.core.permissions import Role
from app.identity import users
from app.identity.schemas import UserCreate
from tests.factories import DEMO_PASSWORD, create_demo_district, create_organization, create_region

OTHER_DISTRICT = "500113"
OTHER_OFFICER = "district_officer_banan"
HEALTH_OFFICER = "health_officer"


@pytest.fixture
async def district(app: FastAPI, session: AsyncSession) -> None:
    """Yubei with its demo users; 巴南区 with a district officer; a health-bureau officer."""
    await create_demo_district(session)
    await create_region(session, OTHER_DISTRICT, "巴南区")
    health = await create_organization(session, kind="health", name="渝北区卫生健康委员会")
    async with app.state.services.database.sessionmaker() as writing, writing.begin():
        for data in (
            UserCreate(
                username=OTHER_OFFICER,
                display_name="巴南区民政局干部",
                role=Role.district_officer,
                scope_region_code=OTHER_DISTRICT,
                password=DEMO_PASSWORD,
            ),
            UserCreate(
                username=HEALTH_OFFICER,
                display_name="区卫健委工作人员",
                role=Role.department_officer,
                organization_id=health.id,
                password=DEMO_PASSWORD,
            ),
        ):
            await users.create(
                writing,
                AuditContext(None, None, None, None),
                app.state.services.password_hasher,
                data,
                min_length=1,
            )


@pytest.fixture
def http(anonymous: httpx.AsyncClient, district: None) -> httpx.AsyncClient:
    return anonymous
