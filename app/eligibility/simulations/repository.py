"""Queries of simulations and of the households they change."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select, update

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


async def lock_status(session: WriteSession, simulation_id: uuid.UUID) -> str | None:
    """The simulation's status, its row locked (none of its JSON read); None when absent."""
    return await session.scalar(
        select(Simulation.status).where(Simulation.id == simulation_id).with_for_update()
    )


async def lock_checkpoint(
    session: WriteSession, simulation_id: uuid.UUID, number: int
) -> tuple[uuid.UUID | None, bool] | None:
    """(checkpoint, finished) of a part, its row locked; None when absent."""
    row = (
        await session.execute(
            select(SimulationPart.checkpoint, SimulationPart.finished_at.is_not(None))
            .where(SimulationPart.simulation_id == simulation_id, SimulationPart.part == number)
            .with_for_update()
        )
    ).one_or_none()
    return None if row is None else (row[0], bool(row[1]))


async def add_progress(
    session: WriteSession,
    simulation_id: uuid.UUID,
    number: int,
    *,
    processed: int,
    changed: int,
    checkpoint: uuid.UUID,
    transitions: list[list[str | int]],
) -> None:
    """A batch's progress: the simulation's counters moved by it, its part's checkpoint and
    counts set (two UPDATEs, nothing read)."""
    await session.execute(
        update(Simulation)
        .where(Simulation.id == simulation_id)
        .values(processed=Simulation.processed + processed, changed=Simulation.changed + changed)
    )
    await session.execute(
        update(SimulationPart)
        .where(SimulationPart.simulation_id == simulation_id, SimulationPart.part == number)
        .values(checkpoint=checkpoint, transitions=transitions)
    )


async def parts_transitions(
    session: ReadSession, simulation_id: uuid.UUID
) -> list[list[list[str | int]]]:
    """Each part's counts."""
    return list(
        await session.scalars(
            select(SimulationPart.transitions).where(SimulationPart.simulation_id == simulation_id)
        )
    )


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
