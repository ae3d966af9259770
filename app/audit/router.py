from typing import Annotated

from fastapi import Depends, Query

from app.audit import service
from app.audit.schemas import AuditEventOut
from app.core.actors import shaped
from app.core.audit import AuditOutcome
from app.core.auth import Actor, actor_for
from app.core.dates import Instant
from app.core.errors import ValidationFailed
from app.core.openapi import protected_problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, api_router
from app.core.uow import ReadDbSession
from app.identity.public import actor_refs

router = api_router(prefix=f"{API_V1}/audit-events", tags=["audit"])


@router.get(
    "",
    response_model=Page[AuditEventOut],
    summary="Query the audit trail",
    description=(
        "Auditors see every event; district officers see events in their district and events "
        "with no region (sign-ins, administration). Oldest first; filter by time to page a period."
    ),
    responses=protected_problems(ValidationFailed),
)
async def audit_events_list(
    auditor: Annotated[Actor, Depends(actor_for(Action.audit_read))],
    session: ReadDbSession,
    page: PageParams,
    actor: Annotated[
        str | None, Query(max_length=60, description="`user:<id>` or `client:<id>`.")
    ] = None,
    object_type: Annotated[str | None, Query(max_length=40, description="Kind of object.")] = None,
    object_id: Annotated[str | None, Query(max_length=64, description="Id of the object.")] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="Action, e.g. `user.update`.")
    ] = None,
    region: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Only events in this region subtree.")
    ] = None,
    outcome: Annotated[
        AuditOutcome | None, Query(description="`success`, `denied` or `failed`.")
    ] = None,
    since: Annotated[
        Instant | None, Query(description="From this time (inclusive, with offset).")
    ] = None,
    until: Annotated[
        Instant | None, Query(description="Before this time (exclusive, with offset).")
    ] = None,
) -> Page[AuditEventOut]:
    items, cursor = await service.search(
        session,
        auditor.principal,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        action=action,
        region=region,
        outcome=outcome.value if outcome else None,
        since=since,
        until=until,
        page=page,
    )
    actors = await actor_refs(session, [e.actor for e in items if e.actor is not None])
    return Page(
        items=[
            shaped(AuditEventOut, e, actor=None if e.actor is None else actors[e.actor])
            for e in items
        ],
        next_cursor=cursor,
    )
