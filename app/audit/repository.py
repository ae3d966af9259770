from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select

from app.core.audit import AuditEvent
from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate
from app.core.region_codes import in_subtree


async def search(
    session: ReadSession,
    *,
    scope: str | None,
    actor: str | None,
    object_type: str | None,
    object_id: str | None,
    action: str | None,
    region: str | None,
    outcome: str | None,
    since: datetime | None,
    until: datetime | None,
    page: PageRequest,
) -> tuple[list[AuditEvent], str | None]:
    stmt: Select[Any] = select(AuditEvent)
    if scope is not None:
        stmt = stmt.where(
            or_(in_subtree(AuditEvent.region_code, scope), AuditEvent.region_code.is_(None))
        )
    filters = {
        AuditEvent.actor: actor,
        AuditEvent.object_type: object_type,
        AuditEvent.object_id: object_id,
        AuditEvent.action: action,
        AuditEvent.outcome: outcome,
    }
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if region is not None:
        stmt = stmt.where(in_subtree(AuditEvent.region_code, region))
    if since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < until)
    key = f"audit:{scope}:{actor}:{object_type}:{object_id}:{action}:{region}:{outcome}:{since}:{until}"
    return await paginate(session, stmt, [AuditEvent.occurred_at, AuditEvent.id], page, scope=key)
