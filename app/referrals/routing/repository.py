"""Queries of the routing table; no rules."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import ancestors_and_self
from app.referrals.models import ReferralDefault, ReferralRoute


async def routes_page(
    session: ReadSession, page: PageRequest, *, need_code: str | None
) -> tuple[list[ReferralRoute], str | None]:
    stmt = select(ReferralRoute)
    if need_code is not None:
        stmt = stmt.where(ReferralRoute.need_code == need_code)
    return await paginate(session, stmt, [ReferralRoute.id], page, scope=f"routes:{need_code}")


async def defaults_page(
    session: ReadSession, page: PageRequest, *, organization_kind: str | None
) -> tuple[list[ReferralDefault], str | None]:
    stmt = select(ReferralDefault)
    if organization_kind is not None:
        stmt = stmt.where(ReferralDefault.organization_kind == organization_kind)
    scope = f"referral-defaults:{organization_kind}"
    return await paginate(session, stmt, [ReferralDefault.id], page, scope=scope)


async def route(session: ReadSession, route_id: uuid.UUID) -> ReferralRoute | None:
    return await session.get(ReferralRoute, route_id)


async def route_of(session: ReadSession, need_code: str, kind: str) -> ReferralRoute | None:
    found: ReferralRoute | None = await session.scalar(
        select(ReferralRoute).where(
            ReferralRoute.need_code == need_code, ReferralRoute.organization_kind == kind
        )
    )
    return found


async def routes_for(session: ReadSession, need_codes: Sequence[str]) -> list[ReferralRoute]:
    """The rules of these needs, by need then kind."""
    stmt = (
        select(ReferralRoute)
        .where(ReferralRoute.need_code.in_(list(need_codes)))
        .order_by(ReferralRoute.need_code, ReferralRoute.organization_kind)
    )
    return list(await session.scalars(stmt))


async def default(session: ReadSession, default_id: uuid.UUID) -> ReferralDefault | None:
    return await session.get(ReferralDefault, default_id)


async def default_at(session: ReadSession, kind: str, region_code: str) -> ReferralDefault | None:
    found: ReferralDefault | None = await session.scalar(
        select(ReferralDefault).where(
            ReferralDefault.organization_kind == kind, ReferralDefault.region_code == region_code
        )
    )
    return found


async def defaults_on_path(
    session: ReadSession, kinds: Sequence[str], region_code: str
) -> dict[str, uuid.UUID]:
    """Per kind, the organisation set on the most specific region of `region_code`'s path
    (grid, community, street, district)."""
    path = ancestors_and_self(region_code)
    stmt = select(ReferralDefault).where(
        ReferralDefault.organization_kind.in_(list(kinds)),
        ReferralDefault.region_code.in_(path),
    )
    found: dict[str, ReferralDefault] = {}
    for row in await session.scalars(stmt):
        held = found.get(row.organization_kind)
        if held is None or len(row.region_code) > len(held.region_code):
            found[row.organization_kind] = row
    return {kind: row.organization_id for kind, row in found.items()}
