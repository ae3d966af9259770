"""Reading the audit trail (Beijing 7): auditors see all, district officers their district."""

from datetime import datetime

from app.audit import repository
from app.core.audit import AuditEvent
from app.core.db import ReadSession
from app.core.pagination import PageRequest
from app.core.permissions import Role
from app.core.principals import Principal


async def search(
    session: ReadSession,
    principal: Principal,
    *,
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
    scope = None if principal.role is Role.auditor else principal.scope_region
    return await repository.search(
        session,
        scope=scope,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        action=action,
        region=region,
        outcome=outcome,
        since=since,
        until=until,
        page=page,
    )
