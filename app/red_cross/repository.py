"""Queries of the Red Cross aid: terms by district and day, quotes by household."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select, text

from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.reach import Reach
from app.households.public import jurisdiction
from app.red_cross.models import AidQuote, AidTerms


async def terms(session: ReadSession, terms_id: uuid.UUID) -> AidTerms | None:
    return await session.get(AidTerms, terms_id)


async def terms_for_update(session: WriteSession, terms_id: uuid.UUID) -> AidTerms | None:
    found: AidTerms | None = await session.scalar(
        select(AidTerms).where(AidTerms.id == terms_id).with_for_update()
    )
    return found


async def terms_page(
    session: ReadSession, page: PageRequest, district_code: str | None
) -> tuple[list[AidTerms], str | None]:
    """Terms oldest first (by id, which is time-ordered), of one district when given."""
    stmt: Select[Any] = select(AidTerms)
    if district_code is not None:
        stmt = stmt.where(AidTerms.district_code == district_code)
    return await paginate(session, stmt, [AidTerms.id], page, scope=f"rc_terms:{district_code}")


async def count_terms(session: ReadSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(AidTerms)) or 0)


async def lock_district(session: WriteSession, district_code: str) -> None:
    """Serialise changes of one district's terms until the transaction ends, so two periods
    checked at once cannot both pass the overlap check. PostgreSQL: a transaction-level
    advisory lock; SQLite writers already hold the database's write lock (core.db)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"red_cross_aid_terms:{district_code}"},
        )


async def first_overlapping(
    session: ReadSession,
    district_code: str,
    start: date,
    end: date | None,
    other_than: uuid.UUID | None,
) -> AidTerms | None:
    """Terms of the district (other than `other_than`) in force on a day of [start, end]."""
    stmt = select(AidTerms).where(
        AidTerms.district_code == district_code,
        or_(AidTerms.effective_to.is_(None), AidTerms.effective_to >= start),
    )
    if end is not None:
        stmt = stmt.where(AidTerms.effective_from <= end)
    if other_than is not None:
        stmt = stmt.where(AidTerms.id != other_than)
    found: AidTerms | None = await session.scalar(stmt.order_by(AidTerms.effective_from).limit(1))
    return found


async def in_force(session: ReadSession, district_code: str, day: date) -> AidTerms | None:
    """The district's terms in force on `day` (at most one: periods never overlap)."""
    found: AidTerms | None = await session.scalar(
        select(AidTerms).where(
            AidTerms.district_code == district_code,
            AidTerms.effective_from <= day,
            or_(AidTerms.effective_to.is_(None), AidTerms.effective_to >= day),
        )
    )
    return found


async def terms_used(session: ReadSession, terms_id: uuid.UUID) -> bool:
    found = await session.scalar(select(AidQuote.id).where(AidQuote.terms_id == terms_id).limit(1))
    return found is not None


async def quote(session: ReadSession, reach: Reach, quote_id: uuid.UUID) -> AidQuote | None:
    """A quote within the reach (its household's), else None."""
    found: AidQuote | None = await session.scalar(
        select(AidQuote).where(
            AidQuote.id == quote_id,
            jurisdiction(reach, AidQuote.household_id, AidQuote.region_code),
        )
    )
    return found


async def quotes_page(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[AidQuote], str | None]:
    """A household's quotes, newest first (ids are time-ordered); the caller reached it."""
    return await paginate(
        session,
        select(AidQuote).where(AidQuote.household_id == household_id),
        [AidQuote.id],
        page,
        scope=f"rc_quotes:{household_id}",
        descending=True,
    )
