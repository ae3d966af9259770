"""Queries of transfer requests; who sees a request follows where its two households are now."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, case, exists, or_, select
from sqlalchemy.orm import aliased

from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate_rows
from app.core.reach import Reach
from app.households.models import Household, Person
from app.households.scope import visible_households
from app.households.transfers.models import TransferRequest
from app.households.transfers.states import TransferStatus

SENDING = aliased(Household, name="sending_household")
RECEIVING = aliased(Household, name="receiving_household")


def _sides(reach: Reach) -> tuple[Any, Any]:
    """SQL conditions: the reach holds the sending household / the receiving household."""
    return (
        visible_households(reach, SENDING.id, SENDING.region_code),
        visible_households(reach, RECEIVING.id, RECEIVING.region_code),
    )


def _rows(reach: Reach) -> tuple[Select[Any], Any, Any]:
    """Requests with the person's name and sealed ID number and which sides the reach
    holds (`sees_from`, `sees_to`); no filter yet."""
    sees_from, sees_to = _sides(reach)
    stmt = (
        select(
            TransferRequest.id,
            TransferRequest.due_on,
            TransferRequest,
            Person.name.label("person_name"),
            Person.id_number_cipher,
            case((sees_from, True), else_=False).label("sees_from"),
            case((sees_to, True), else_=False).label("sees_to"),
        )
        .join(SENDING, SENDING.id == TransferRequest.from_household_id)
        .join(RECEIVING, RECEIVING.id == TransferRequest.to_household_id)
        .join(Person, Person.id == TransferRequest.person_id)
    )
    return stmt, sees_from, sees_to


async def get_visible(
    session: ReadSession, reach: Reach, request_id: uuid.UUID, *, for_update: bool = False
) -> Row[Any] | None:
    """A request if the reach holds either of its households (locked with `for_update`)."""
    stmt, sees_from, sees_to = _rows(reach)
    stmt = stmt.where(TransferRequest.id == request_id, or_(sees_from, sees_to))
    if for_update:
        stmt = stmt.with_for_update(of=TransferRequest)
    found: Row[Any] | None = (await session.execute(stmt)).first()
    return found


async def exists_anywhere(session: ReadSession, request_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(TransferRequest.id == request_id))))


async def page(
    session: ReadSession,
    reach: Reach,
    page: PageRequest,
    *,
    direction: str | None,
    status: TransferStatus | None,
) -> tuple[list[Row[Any]], str | None]:
    """Requests the reach holds a side of: `incoming` (the sending household), `outgoing`
    (the receiving household), or either; in filing order (ids are time-ordered)."""
    stmt, sees_from, sees_to = _rows(reach)
    side = {"incoming": sees_from, "outgoing": sees_to}.get(
        direction or "", or_(sees_from, sees_to)
    )
    stmt = stmt.where(side)
    if status is not None:
        stmt = stmt.where(TransferRequest.status == status.value)
    scope = f"transfer_requests:{direction}:{status}"
    return await paginate_rows(session, stmt, [TransferRequest.id], page, scope=scope)


async def overdue_page(
    session: ReadSession, reach: Reach, page: PageRequest, today: date
) -> tuple[list[Row[Any]], str | None]:
    """Pending requests past their due date whose sending household the reach holds, the
    longest overdue first."""
    stmt, sees_from, _ = _rows(reach)
    stmt = stmt.where(
        sees_from,
        TransferRequest.status == TransferStatus.pending.value,
        TransferRequest.due_on < today,
    )
    order = [TransferRequest.due_on, TransferRequest.id]
    return await paginate_rows(session, stmt, order, page, scope=f"transfer_worklist:{today}")


async def pending_for(session: ReadSession, person_id: uuid.UUID) -> bool:
    """Whether a request for the person is pending."""
    pending = exists().where(
        TransferRequest.person_id == person_id,
        TransferRequest.status == TransferStatus.pending.value,
    )
    return bool(await session.scalar(select(pending)))
