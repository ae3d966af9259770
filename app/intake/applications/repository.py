"""Queries of applications; no rules. Every read is scoped by the household's reach."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import exists, func, select

from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate
from app.core.reach import Reach
from app.core.region_codes import in_subtree
from app.households.public import jurisdiction
from app.intake.applications.states import FINAL
from app.intake.models import Application, ApplicationTransition, Deadline, DiscoveryReport


def _scoped(reach: Reach) -> Any:
    return jurisdiction(reach, Application.household_id, Application.region_code)


async def get_visible(
    session: ReadSession, reach: Reach, application_id: uuid.UUID, *, for_update: bool = False
) -> Application | None:
    stmt = select(Application).where(Application.id == application_id, _scoped(reach))
    if for_update:
        stmt = stmt.with_for_update()
    found: Application | None = await session.scalar(stmt)
    return found


async def exists_anywhere(session: ReadSession, application_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Application.id == application_id))))


async def page(
    session: ReadSession,
    reach: Reach,
    page: PageRequest,
    *,
    status: str | None,
    region: str | None,
    household_id: uuid.UUID | None,
) -> tuple[list[Application], str | None]:
    """Applications of the reach in filing order (ids are time-ordered)."""
    stmt = select(Application).where(_scoped(reach))
    if status is not None:
        stmt = stmt.where(Application.status == status)
    if region is not None:
        stmt = stmt.where(in_subtree(Application.region_code, region))
    if household_id is not None:
        stmt = stmt.where(Application.household_id == household_id)
    scope = f"applications:{status}:{region}:{household_id}"
    return await paginate(session, stmt, [Application.id], page, scope=scope)


async def open_for(session: ReadSession, household_id: uuid.UUID) -> bool:
    """Whether the household has an application that is not final."""
    return bool(
        await session.scalar(
            select(
                exists().where(
                    Application.household_id == household_id,
                    Application.status.not_in([s.value for s in FINAL]),
                )
            )
        )
    )


async def transitions(
    session: ReadSession, application_id: uuid.UUID
) -> list[ApplicationTransition]:
    stmt = (
        select(ApplicationTransition)
        .where(ApplicationTransition.application_id == application_id)
        .order_by(ApplicationTransition.id)
    )
    return list(await session.scalars(stmt))


async def last_effective_on(session: ReadSession, application_id: uuid.UUID) -> date | None:
    stmt = (
        select(ApplicationTransition.effective_on)
        .where(ApplicationTransition.application_id == application_id)
        .order_by(ApplicationTransition.id.desc())
        .limit(1)
    )
    found: date | None = await session.scalar(stmt)
    return found


async def deadlines(session: ReadSession, application_id: uuid.UUID) -> list[Deadline]:
    stmt = select(Deadline).where(Deadline.application_id == application_id).order_by(Deadline.id)
    return list(await session.scalars(stmt))


async def report_for_update(session: ReadSession, report_id: uuid.UUID) -> DiscoveryReport | None:
    stmt = select(DiscoveryReport).where(DiscoveryReport.id == report_id).with_for_update()
    found: DiscoveryReport | None = await session.scalar(stmt)
    return found


async def count_in_region(session: ReadSession, region: str) -> int:
    """How many applications the households of a region's subtree have (any state)."""
    found = await session.scalar(
        select(func.count())
        .select_from(Application)
        .where(in_subtree(Application.region_code, region))
    )
    return int(found or 0)
