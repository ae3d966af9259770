"""The household jurisdiction filter, per role, on a stand-in household table.

The ledger issue brings real households; until then a probe table with the
two columns every household-owned row carries (id, region code) shows that
each role sees exactly its households and nothing of another street's.
"""

import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, MetaData, String, Table, Uuid, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.auth import Principal
from app.core.db import Database
from app.core.permissions import Role
from app.households.scope import visible_households
from app.identity import users
from tests.factories import assign_household, create_demo_district

probe_metadata = MetaData()
households = Table(
    "probe_households",
    probe_metadata,
    Column("id", Uuid, primary_key=True),
    Column("region_code", String(15)),
)

A_GRID_1 = uuid.UUID(int=1)  # street A, community 1, grid 1
A_GRID_2 = uuid.UUID(int=2)  # street A, community 1, grid 2
A_OTHER_COMMUNITY = uuid.UUID(int=3)  # street A, community 2
B_STREET = uuid.UUID(int=4)  # street B
ROWS = {
    A_GRID_1: "500112001001001",
    A_GRID_2: "500112001001002",
    A_OTHER_COMMUNITY: "500112001002001",
    B_STREET: "500112002001001",
}


@pytest.fixture
async def probe(database: Database, session: AsyncSession) -> AsyncIterator[Table]:
    await create_demo_district(session)
    async with database.engine.begin() as connection:
        await connection.run_sync(probe_metadata.create_all)
        await connection.execute(
            insert(households), [{"id": k, "region_code": v} for k, v in ROWS.items()]
        )
    yield households
    async with database.engine.begin() as connection:
        await connection.run_sync(probe_metadata.drop_all)


async def _principal(session: AsyncSession, username: str) -> Principal:
    user = await users.find(session, username)
    assert user is not None
    await session.commit()
    return Principal(
        user.id, Role(user.role), user.scope_region_code, user.organization_id, False, "t"
    )


async def _visible(session: AsyncSession, principal: Principal) -> set[uuid.UUID]:
    stmt = select(households.c.id).where(
        visible_households(principal, households.c.id, households.c.region_code)
    )
    found = set((await session.execute(stmt)).scalars())
    await session.commit()
    return found


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("district_officer", {A_GRID_1, A_GRID_2, A_OTHER_COMMUNITY, B_STREET}),
        ("street_officer", {A_GRID_1, A_GRID_2, A_OTHER_COMMUNITY}),
        ("street_officer_2", {B_STREET}),
        ("community_worker", {A_GRID_1, A_GRID_2}),
        ("grid_worker", {A_GRID_1}),
        ("admin", set()),
        ("auditor", set()),
        ("department_officer", set()),
        ("social_worker", set()),
    ],
)
async def test_each_role_sees_its_households_only(
    probe: Table, session: AsyncSession, username: str, expected: set[uuid.UUID]
) -> None:
    assert await _visible(session, await _principal(session, username)) == expected


async def test_social_workers_see_exactly_their_active_assignments(
    probe: Table, session: AsyncSession
) -> None:
    await assign_household(
        session, A_GRID_2, region_code=ROWS[A_GRID_2], social_worker="social_worker"
    )
    await assign_household(
        session, B_STREET, region_code=ROWS[B_STREET], social_worker="social_worker", active=False
    )
    await assign_household(
        session,
        A_OTHER_COMMUNITY,
        region_code=ROWS[A_OTHER_COMMUNITY],
        social_worker="social_worker_2",
        agency_name="渝北区暖阳社会工作服务社",
    )
    assert await _visible(session, await _principal(session, "social_worker")) == {A_GRID_2}
    assert await _visible(session, await _principal(session, "social_worker_2")) == {
        A_OTHER_COMMUNITY
    }


async def test_a_household_has_one_active_assignment_at_a_time(
    probe: Table, session: AsyncSession
) -> None:
    await assign_household(
        session, A_GRID_1, region_code=ROWS[A_GRID_1], social_worker="social_worker"
    )
    with pytest.raises(IntegrityError):
        await assign_household(
            session, A_GRID_1, region_code=ROWS[A_GRID_1], social_worker="social_worker_2"
        )
    await session.rollback()
    await assign_household(
        session, A_GRID_1, region_code=ROWS[A_GRID_1], social_worker="social_worker_2", active=False
    )
