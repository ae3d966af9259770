"""The caller's own inbox (DOMAIN 6): what concerns it, newest first, and marking it read."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query
from sqlalchemy import select

from app.core.auth import Actor, actor_for
from app.core.db import utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.openapi import protected_problems
from app.core.pagination import Page, PageParams, paginate
from app.core.permissions import Action
from app.core.routing import API_V1, api_router
from app.core.uow import DbSession, ReadDbSession
from app.intake.inbox.schemas import InboxItemOut, SubjectType
from app.intake.models import InboxItem

router = api_router(prefix=API_V1, tags=["inbox"])
Reader = Annotated[Actor, Depends(actor_for(Action.inbox_read))]
ItemId = Annotated[uuid.UUID, Path(description="Inbox item id.")]


def _out(item: InboxItem) -> InboxItemOut:
    return InboxItemOut(
        id=item.id,
        event=item.event,
        subject_type=SubjectType(item.subject_type),
        subject_id=item.subject_id,
        household_id=item.household_id,
        created_at=item.created_at,
        read_at=item.read_at,
    )


@router.get(
    "/inbox",
    response_model=Page[InboxItemOut],
    summary="Your inbox: what concerns you, newest first",
    description="Order: newest first (by id, which follows arrival). Only your own items; "
    "`unread=true` for those not marked read, `false` for those that are.",
    responses=protected_problems(ValidationFailed),
)
async def inbox_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    unread: Annotated[
        bool | None, Query(description="true: only unread items; false: only read ones.")
    ] = None,
) -> Page[InboxItemOut]:
    stmt = select(InboxItem).where(InboxItem.user_id == actor.principal.id)
    if unread is not None:
        stmt = stmt.where(InboxItem.read_at.is_(None) if unread else InboxItem.read_at.isnot(None))
    found, cursor = await paginate(
        session,
        stmt,
        [InboxItem.id],
        page,
        scope=f"inbox:{actor.principal.id}:{unread}",
        descending=True,
    )
    return Page(items=[_out(item) for item in found], next_cursor=cursor)


@router.post(
    "/inbox/{item_id:uuid}/read",
    response_model=InboxItemOut,
    summary="Mark one of your inbox items read (again: it keeps the first time)",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def inbox_read(item_id: ItemId, actor: Reader, session: DbSession) -> InboxItemOut:
    item = await session.scalar(
        select(InboxItem).where(InboxItem.id == item_id, InboxItem.user_id == actor.principal.id)
    )
    if item is None:
        raise NotFound("通知", "inbox item")
    if item.read_at is None:
        item.read_at = utcnow()
    return _out(item)
