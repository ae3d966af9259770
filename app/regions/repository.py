"""Queries on regions. Subtrees are code ranges, which an ordinary index serves."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from app.core.db import ReadSession, WriteSession, dialect_insert
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import RegionLevel, in_subtree
from app.regions.models import Region


async def get(session: ReadSession, code: str) -> Region | None:
    return await session.get(Region, code)


async def get_many(session: ReadSession, codes: Sequence[str]) -> list[Region]:
    rows = await session.execute(select(Region).where(Region.code.in_(codes)).order_by(Region.code))
    return list(rows.scalars())


async def children(
    session: ReadSession, parent_code: str | None, page: PageRequest
) -> tuple[list[Region], str | None]:
    stmt: Select[Any] = select(Region).where(
        Region.parent_code == parent_code
        if parent_code is not None
        else Region.parent_code.is_(None)
    )
    return await paginate(
        session, stmt, [Region.code], page, scope=f"regions:children:{parent_code}"
    )


async def child_codes(session: ReadSession, parent_code: str) -> list[str]:
    rows = await session.scalars(
        select(Region.code).where(Region.parent_code == parent_code).order_by(Region.code)
    )
    return list(rows)


async def subtree(
    session: ReadSession, code: str, level: RegionLevel | None, page: PageRequest
) -> tuple[list[Region], str | None]:
    stmt: Select[Any] = select(Region).where(in_subtree(Region.code, code), Region.code != code)
    if level is not None:
        stmt = stmt.where(Region.level == level.value)
    return await paginate(
        session, stmt, [Region.code], page, scope=f"regions:subtree:{code}:{level}"
    )


async def upsert(
    session: WriteSession, *, code: str, name: str, level: RegionLevel, parent_code: str | None
) -> None:
    stmt = dialect_insert(session, Region).values(
        code=code, name=name, level=level.value, parent_code=parent_code
    )
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["code"], set_={"name": stmt.excluded.name})
    )


async def codes_at_level(session: ReadSession, level: RegionLevel) -> list[str]:
    rows = await session.scalars(
        select(Region.code).where(Region.level == level.value).order_by(Region.code)
    )
    return list(rows)
