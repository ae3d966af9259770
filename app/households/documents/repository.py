"""Queries of a household's documents: one by id, a page of them."""

import uuid
from collections.abc import Collection

from sqlalchemy import select

from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate
from app.households.models import HouseholdDocument


async def get(
    session: ReadSession, household_id: uuid.UUID, document_id: uuid.UUID
) -> HouseholdDocument | None:
    """The document if it belongs to this household (a document of another is not found)."""
    return (
        await session.execute(
            select(HouseholdDocument).where(
                HouseholdDocument.id == document_id,
                HouseholdDocument.household_id == household_id,
            )
        )
    ).scalar_one_or_none()


async def page(
    session: ReadSession,
    household_id: uuid.UUID,
    page_request: PageRequest,
    *,
    include_voided: bool,
    hidden_kinds: Collection[str],
) -> tuple[list[HouseholdDocument], str | None]:
    """A page of the household's documents, oldest first (ids are time-ordered UUIDv7)."""
    stmt = select(HouseholdDocument).where(HouseholdDocument.household_id == household_id)
    if not include_voided:
        stmt = stmt.where(HouseholdDocument.voided_at.is_(None))
    if hidden_kinds:
        stmt = stmt.where(HouseholdDocument.kind.not_in(sorted(hidden_kinds)))
    scope = f"documents:{household_id}:{include_voided}:{sorted(hidden_kinds)}"
    return await paginate(session, stmt, [HouseholdDocument.id], page_request, scope=scope)


async def live_of(
    session: ReadSession, household_id: uuid.UUID, document_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of `document_ids` belong to the household and are not voided."""
    if not document_ids:
        return set()
    found = await session.scalars(
        select(HouseholdDocument.id).where(
            HouseholdDocument.household_id == household_id,
            HouseholdDocument.id.in_(sorted(set(document_ids))),
            HouseholdDocument.voided_at.is_(None),
        )
    )
    return set(found)
