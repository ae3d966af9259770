"""The household jurisdiction filter (app/households/scope.py), per role, on real households.

Four households, one per place that matters (two grids of one community,
another community of the same street, another street), show that each role
sees exactly its households and nothing of another street's; social workers
see what is actively assigned to them, paired workers what they are paired with.
"""

import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.permissions import Role
from app.core.principals import Principal
from app.core.reach import reach_of
from app.households.models import Household, HouseholdAssignment
from app.households.scope import visible_households
from app.households.stewardship import assignments
from app.identity import users
from tests.factories import assign_household, create_demo_district, create_household, ledger_actor

A_GRID_1 = "a_grid_1"  # street A, community 1, grid 1
A_GRID_2 = "a_grid_2"  # street A, community 1, grid 2
A_OTHER_COMMUNITY = "a_other_community"  # street A, community 2
B_STREET = "b_street"  # street B
REGIONS = {
    A_GRID_1: "500112001001001",
    A_GRID_2: "500112001001002",
    A_OTHER_COMMUNITY: "500112001002001",
    B_STREET: "500112002001001",
}


@pytest.fixture
async def homes(app: FastAPI, session: AsyncSession) -> dict[str, uuid.UUID]:
    """The four households by name."""
    await create_demo_district(session)
    return {name: (await create_household(app, region=code)).id for name, code in REGIONS.items()}


async def _principal(app: FastAPI, username: str) -> Principal:
    async with app.state.services.database.sessionmaker() as session:
        user = await users.find(session, username)
    assert user is not None
    return Principal(
        user.id, Role(user.role), user.scope_region_code, user.organization_id, False, "t"
    )


async def _visible(app: FastAPI, username: str, homes: dict[str, uuid.UUID]) -> set[str]:
    principal = await _principal(app, username)
    stmt = select(Household.id).where(
        visible_households(reach_of(principal), Household.id, Household.region_code)
    )
    async with app.state.services.database.sessionmaker() as session:
        found = set((await session.execute(stmt)).scalars())
    return {name for name, household_id in homes.items() if household_id in found}


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
    app: FastAPI, homes: dict[str, uuid.UUID], username: str, expected: set[str]
) -> None:
    assert await _visible(app, username, homes) == expected


async def test_social_workers_see_exactly_their_active_assignments(
    app: FastAPI, homes: dict[str, uuid.UUID]
) -> None:
    await assign_household(app, homes[A_GRID_2], social_worker="social_worker")
    await assign_household(app, homes[B_STREET], social_worker="social_worker", active=False)
    await assign_household(
        app,
        homes[A_OTHER_COMMUNITY],
        social_worker="social_worker_2",
        agency_name="渝北区暖阳社会工作服务社",
    )
    await assign_household(app, homes[A_GRID_1], social_worker=None)
    assert await _visible(app, "social_worker", homes) == {A_GRID_2}
    assert await _visible(app, "social_worker_2", homes) == {A_OTHER_COMMUNITY}


async def test_a_paired_worker_also_sees_the_households_it_is_paired_with(
    app: FastAPI, homes: dict[str, uuid.UUID]
) -> None:
    caller = await ledger_actor(app, "street_officer")
    worker = await _principal(app, "grid_worker")
    async with app.state.services.database.sessionmaker() as session, session.begin():
        household = await session.get(Household, homes[A_OTHER_COMMUNITY])
        assert household is not None
        await assignments.pair(session, caller, household.id, worker.id, household.version)
    assert await _visible(app, "grid_worker", homes) == {A_GRID_1, A_OTHER_COMMUNITY}
    assert await _visible(app, "community_worker", homes) == {A_GRID_1, A_GRID_2}


async def test_a_household_has_one_active_assignment_at_a_time(
    app: FastAPI, homes: dict[str, uuid.UUID]
) -> None:
    """The database refuses a second active assignment, whatever the code above it does."""
    first = await assign_household(app, homes[A_GRID_1], social_worker="social_worker")

    def row(active: bool) -> HouseholdAssignment:
        return HouseholdAssignment(
            household_id=first.household_id,
            region_code=first.region_code,
            district_code=first.district_code,
            agency_id=first.agency_id,
            social_worker_id=first.social_worker_id,
            assigned_by=first.assigned_by,
            active=active,
        )

    async with app.state.services.database.sessionmaker() as session:
        session.add(row(True))
        with pytest.raises(IntegrityError):
            await session.commit()
    async with app.state.services.database.sessionmaker() as session, session.begin():
        session.add(row(False))
    async with app.state.services.database.sessionmaker() as session:
        rows = await session.execute(
            select(HouseholdAssignment.active).where(
                HouseholdAssignment.household_id == homes[A_GRID_1]
            )
        )
        assert sorted(rows.scalars()) == [False, True]
