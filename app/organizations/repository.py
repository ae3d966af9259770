import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import ancestors_and_self, in_subtree
from app.organizations.kinds import GOVERNMENT_KINDS
from app.organizations.models import Organization


async def get(session: ReadSession, organization_id: uuid.UUID) -> Organization | None:
    return await session.get(Organization, organization_id)


async def names(session: ReadSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(set(ids)))
    )
    return {row[0]: row[1] for row in rows}


async def ids_within(session: ReadSession, region_code: str) -> list[uuid.UUID]:
    rows = await session.execute(
        select(Organization.id).where(in_subtree(Organization.region_code, region_code))
    )
    return list(rows.scalars())


async def find(session: WriteSession, region_code: str, name: str) -> Organization | None:
    rows = await session.execute(
        select(Organization).where(
            Organization.region_code == region_code, Organization.name == name
        )
    )
    return rows.scalar_one_or_none()


async def search(
    session: ReadSession,
    *,
    kind: str | None,
    region: str | None,
    parent_id: uuid.UUID | None,
    page: PageRequest,
) -> tuple[list[Organization], str | None]:
    stmt: Select[Any] = select(Organization)
    if kind is not None:
        stmt = stmt.where(Organization.kind == kind)
    if region is not None:
        stmt = stmt.where(in_subtree(Organization.region_code, region))
    if parent_id is not None:
        stmt = stmt.where(Organization.parent_id == parent_id)
    return await paginate(
        session, stmt, [Organization.id], page, scope=f"organizations:{kind}:{region}:{parent_id}"
    )


def government_ids() -> Select[Any]:
    """The ids of the organisations that are government departments (`kinds`), as SQL."""
    return select(Organization.id).where(Organization.kind.in_(sorted(GOVERNMENT_KINDS)))


async def kinds(session: ReadSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(Organization.id, Organization.kind).where(Organization.id.in_(set(ids)))
    )
    return {row[0]: row[1] for row in rows}


async def of_kind_serving(session: ReadSession, kind: str, region_code: str) -> list[uuid.UUID]:
    """Ids of the organisations of `kind` whose region is the region or one above it."""
    rows = await session.scalars(
        select(Organization.id)
        .where(
            Organization.kind == kind,
            Organization.region_code.in_(ancestors_and_self(region_code)),
        )
        .order_by(Organization.id)
    )
    return list(rows)
