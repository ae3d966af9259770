"""Queries of policy versions."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select, text

from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import ancestors_and_self, in_subtree
from app.eligibility.models import PolicyVersion

PUBLISHED = "published"


async def get(
    session: ReadSession, version_id: uuid.UUID, *, for_update: bool = False
) -> PolicyVersion | None:
    stmt = select(PolicyVersion).where(PolicyVersion.id == version_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


def bearing_on(code: str) -> Any:
    """SQL: versions that apply in `code` (its own and its ancestors') or inside its subtree."""
    return or_(
        PolicyVersion.region_code.in_(ancestors_and_self(code)),
        in_subtree(PolicyVersion.region_code, code),
    )


def _in_window(day: date) -> Any:
    return (PolicyVersion.effective_from <= day) & (
        PolicyVersion.effective_to.is_(None) | (PolicyVersion.effective_to >= day)
    )


async def page(
    session: ReadSession,
    page_request: PageRequest,
    *,
    scope: str | None,
    region: str | None,
    status: str | None,
    in_force_on: date | None,
) -> tuple[list[PolicyVersion], str | None]:
    stmt: Select[Any] = select(PolicyVersion)
    if scope is not None:
        stmt = stmt.where(bearing_on(scope))
    if region is not None:
        stmt = stmt.where(bearing_on(region))
    if status is not None:
        stmt = stmt.where(PolicyVersion.status == status)
    if in_force_on is not None:
        stmt = stmt.where(_in_window(in_force_on))
    return await paginate(
        session,
        stmt,
        [PolicyVersion.id],
        page_request,
        scope=f"policies:{scope}:{region}:{status}:{in_force_on}",
    )


async def lock_region(session: WriteSession, region_code: str) -> None:
    """Serialise publishing in one region until the transaction ends. PostgreSQL: a
    transaction-level advisory lock on the region; SQLite writers already hold the database's
    write lock from BEGIN IMMEDIATE (core.db)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"policy_versions:{region_code}"},
        )


async def first_overlapping(session: ReadSession, candidate: PolicyVersion) -> PolicyVersion | None:
    """A published version of the candidate's own region whose window shares a day with it."""
    stmt = select(PolicyVersion).where(
        PolicyVersion.region_code == candidate.region_code,
        PolicyVersion.status == PUBLISHED,
        PolicyVersion.id != candidate.id,
        PolicyVersion.effective_to.is_(None)
        | (PolicyVersion.effective_to >= candidate.effective_from),
    )
    if candidate.effective_to is not None:
        stmt = stmt.where(PolicyVersion.effective_from <= candidate.effective_to)
    stmt = stmt.order_by(PolicyVersion.effective_from, PolicyVersion.id).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()


async def published_on(
    session: ReadSession, region_codes: list[str], day: date
) -> list[PolicyVersion]:
    """The published versions of these regions whose window holds `day` (one per region at
    most, as published versions of a region never overlap)."""
    stmt = select(PolicyVersion).where(
        PolicyVersion.region_code.in_(region_codes),
        PolicyVersion.status == PUBLISHED,
        _in_window(day),
    )
    return list((await session.execute(stmt)).scalars())


async def published_bearing_on(
    session: ReadSession, region_code: str, day: date
) -> list[PolicyVersion]:
    """The published versions whose window holds `day` and that apply in `region_code` or
    inside its subtree."""
    stmt = select(PolicyVersion).where(
        bearing_on(region_code), PolicyVersion.status == PUBLISHED, _in_window(day)
    )
    return list((await session.execute(stmt)).scalars())


async def count(session: ReadSession) -> int:
    return int(
        (await session.execute(select(func.count()).select_from(PolicyVersion))).scalar_one()
    )
