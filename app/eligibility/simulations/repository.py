"""Queries of simulations and of the households they change."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select

from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import in_subtree
from app.eligibility.simulations.models import Simulation, SimulationChange, SimulationPart


async def get(
    session: ReadSession, simulation_id: uuid.UUID, *, for_update: bool = False
) -> Simulation | None:
    stmt = select(Simulation).where(Simulation.id == simulation_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def part(
    session: ReadSession, simulation_id: uuid.UUID, number: int, *, for_update: bool = False
) -> SimulationPart | None:
    stmt = select(SimulationPart).where(
        SimulationPart.simulation_id == simulation_id, SimulationPart.part == number
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def has_parts(session: ReadSession, simulation_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(func.count()).where(SimulationPart.simulation_id == simulation_id)
    )
    return bool(found)


async def unfinished_parts(session: ReadSession, simulation_id: uuid.UUID) -> int:
    found = await session.scalar(
        select(func.count()).where(
            SimulationPart.simulation_id == simulation_id, SimulationPart.finished_at.is_(None)
        )
    )
    return int(found or 0)


async def page(
    session: ReadSession, page_request: PageRequest, *, scope: str
) -> tuple[list[Simulation], str | None]:
    """The simulations of regions within `scope`, newest first (ids are time-ordered)."""
    stmt = select(Simulation).where(in_subtree(Simulation.region_code, scope))
    return await paginate(
        session,
        stmt,
        [Simulation.id],
        page_request,
        scope=f"simulations:{scope}",
        descending=True,
    )


async def changes_page(
    session: ReadSession, simulation_id: uuid.UUID, page_request: PageRequest
) -> tuple[list[SimulationChange], str | None]:
    """The households a simulation changes, in household id order."""
    stmt = select(SimulationChange).where(SimulationChange.simulation_id == simulation_id)
    return await paginate(
        session,
        stmt,
        [SimulationChange.household_id],
        page_request,
        scope=f"simulation_changes:{simulation_id}",
    )


async def changes_after(
    session: ReadSession, simulation_id: uuid.UUID, after: uuid.UUID | None, limit: int
) -> list[SimulationChange]:
    """A keyset chunk of the households a simulation changes (the CSV export)."""
    stmt = select(SimulationChange).where(SimulationChange.simulation_id == simulation_id)
    if after is not None:
        stmt = stmt.where(SimulationChange.household_id > after)
    rows = await session.scalars(stmt.order_by(SimulationChange.household_id).limit(limit))
    return list(rows)


async def add_changes(session: WriteSession, rows: Sequence[dict[str, Any]]) -> None:
    """One multi-row INSERT of a batch's changed households."""
    if rows:
        await session.execute(insert(SimulationChange), list(rows))
