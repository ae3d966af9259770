"""Queries of the stored reports."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, false, func, or_, select, text

from app.charity_reports.models import CharityReport
from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import in_subtree


async def next_version(session: ReadSession, region_code: str, month: str) -> int:
    found = await session.scalar(
        select(func.max(CharityReport.version)).where(
            CharityReport.region_code == region_code, CharityReport.month == month
        )
    )
    return int(found or 0) + 1


async def lock_month(session: WriteSession, month: str) -> None:
    """Serialise the generation of one month's reports until the transaction ends: two
    workers never both find a street without its report and both generate it, and two
    requests never take the same version number. PostgreSQL: a
    transaction-level advisory lock; SQLite writers already hold the database's write lock."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"charity_reports:{month}"},
        )


async def streets_reported(session: ReadSession, month: str, as_of: date) -> set[str]:
    """The streets with a report of `month` as of `as_of` (the month's last day): a report
    generated while the month still ran tells of part of it and does not count."""
    return set(
        await session.scalars(
            select(CharityReport.region_code)
            .where(CharityReport.month == month, CharityReport.as_of == as_of)
            .distinct()
        )
    )


def _within(stmt: Select[Any], within: tuple[str, ...] | None) -> Select[Any]:
    if within is None:
        return stmt
    if not within:
        return stmt.where(false())
    return stmt.where(or_(*(in_subtree(CharityReport.region_code, code) for code in within)))


async def report(
    session: ReadSession, report_id: uuid.UUID, within: tuple[str, ...] | None
) -> CharityReport | None:
    """A report of the subtrees `within` (any when None)."""
    stmt = _within(select(CharityReport).where(CharityReport.id == report_id), within)
    found: CharityReport | None = await session.scalar(stmt)
    return found


async def page(
    session: ReadSession,
    page_request: PageRequest,
    *,
    within: tuple[str, ...] | None,
    region_code: str | None,
    month: str | None,
) -> tuple[list[CharityReport], str | None]:
    """Reports newest first (ids are time-ordered) of the subtrees `within` (any when None),
    of one region's subtree and one month when given."""
    stmt = _within(select(CharityReport), within)
    if region_code is not None:
        stmt = stmt.where(in_subtree(CharityReport.region_code, region_code))
    if month is not None:
        stmt = stmt.where(CharityReport.month == month)
    scope = f"charity_reports:{within}:{region_code}:{month}"
    return await paginate(
        session, stmt, [CharityReport.id], page_request, scope=scope, descending=True
    )
