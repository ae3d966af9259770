"""Factories: build valid reference data so a test states only what matters to it."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.demo import seed_demo
from app.organizations import service as organizations
from app.organizations.models import Organization
from app.regions import service as regions

STREET_A = "500112001"
STREET_B = "500112002"
COMMUNITY_A1 = "500112001001"
GRID_A1_1 = "500112001001001"


async def create_demo_district(session: AsyncSession) -> None:
    """Yubei with its streets, communities, grids and organizations, committed."""
    await seed_demo(session)
    await session.commit()


async def create_region(session: AsyncSession, code: str, name: str | None = None) -> None:
    await regions.save_region(session, code, name or f"区划{code}")
    await session.commit()


async def create_organization(
    session: AsyncSession,
    *,
    kind: str = "red_cross",
    region_code: str = "500112",
    name: str | None = None,
    parent_id: uuid.UUID | None = None,
) -> Organization:
    organization = await organizations.ensure(
        session,
        kind=kind,
        name=name or f"机构{uuid.uuid4().hex[:8]}",
        region_code=region_code,
        parent_id=parent_id,
    )
    await session.commit()
    return organization
