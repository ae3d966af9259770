"""Queries of discovery reports: a report is seen in the region subtrees of the reach where
it was noticed; a grid worker sees only the reports it filed."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, exists, false, func, or_, select

from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.permissions import Role
from app.core.reach import Reach
from app.core.region_codes import in_subtree
from app.intake.deadlines.rules import DeadlineStatus
from app.intake.models import Deadline, DiscoveryReport


def visible_reports(reach: Reach, role: Role, user_id: uuid.UUID) -> Any:
    """SQL condition: the reach holds the report (its region, in a subtree of the reach;
    for a grid worker, also filed by it)."""
    if not reach.regions:
        return false()
    within = or_(*(in_subtree(DiscoveryReport.region_code, code) for code in reach.regions))
    if role is Role.grid_worker:
        return (DiscoveryReport.filed_by == user_id) & within
    return within


async def get_visible(
    session: ReadSession,
    reach: Reach,
    role: Role,
    user_id: uuid.UUID,
    report_id: uuid.UUID,
    *,
    for_update: bool = False,
) -> DiscoveryReport | None:
    stmt = select(DiscoveryReport).where(
        DiscoveryReport.id == report_id, visible_reports(reach, role, user_id)
    )
    if for_update:
        stmt = stmt.with_for_update()
    found: DiscoveryReport | None = await session.scalar(stmt)
    return found


async def exists_anywhere(session: ReadSession, report_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(DiscoveryReport.id == report_id))))


async def page(
    session: ReadSession,
    reach: Reach,
    role: Role,
    user_id: uuid.UUID,
    page: PageRequest,
    *,
    status: str | None,
    region_code: str | None,
    urgency: str | None,
) -> tuple[list[DiscoveryReport], str | None]:
    """Reports the reach holds, in filing order (ids are time-ordered), filtered."""
    stmt: Select[Any] = select(DiscoveryReport).where(visible_reports(reach, role, user_id))
    if status is not None:
        stmt = stmt.where(DiscoveryReport.status == status)
    if region_code is not None:
        stmt = stmt.where(in_subtree(DiscoveryReport.region_code, region_code))
    if urgency is not None:
        stmt = stmt.where(DiscoveryReport.urgency == urgency)
    scope = f"discovery_reports:{status}:{region_code}:{urgency}"
    return await paginate(session, stmt, [DiscoveryReport.id], page, scope=scope)


async def cancel_undone_deadlines(
    session: WriteSession, report_id: uuid.UUID, on: date
) -> list[str]:
    """Cancel the report's deadlines not yet done (a dismissed lead owes no visit and no
    ledger entry): kept with status `cancelled` and `done_on` the day of the dismissal, so
    they leave the worklist; a missed one keeps its `missed_at`. The kinds cancelled."""
    rows = list(
        await session.scalars(
            select(Deadline).where(
                Deadline.discovery_report_id == report_id, Deadline.done_on.is_(None)
            )
        )
    )
    for row in rows:
        row.status = DeadlineStatus.cancelled.value
        row.done_on = on
    return sorted(row.kind for row in rows)


async def count(session: ReadSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(DiscoveryReport)) or 0)
