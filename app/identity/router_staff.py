"""The staff directory (issue 13): find colleagues within reach, to pair and assign workers
and to show who did what (`identity.directory` decides the reach)."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query

from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, ValidationFailed
from app.core.openapi import protected_problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action, Role
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, api_router
from app.core.uow import ReadDbSession
from app.identity import directory
from app.identity.repository import StaffFilters
from app.identity.schemas import OrganizationRef, RegionRef, StaffOut

router = api_router(prefix=f"{API_V1}/staff", tags=["users"])
StaffReader = Annotated[Actor, Depends(actor_for(Action.staff_read))]
_REACH = (
    "Reach: region staff see the users of their subtree and those above them in their own "
    "chain (never another district's); district and street officers also the staff of their "
    "district's organisations (social workers, departments); social workers and department "
    "officers their own organisation's colleagues."
)


def _out(entry: directory.StaffEntry) -> StaffOut:
    user = entry.user
    return StaffOut(
        id=user.id,
        display_name=user.display_name,
        role=Role(user.role),
        organization=None
        if user.organization_id is None
        else OrganizationRef(id=user.organization_id, name=entry.organization_name or ""),
        region=None
        if user.scope_region_code is None
        else RegionRef(code=user.scope_region_code, name=entry.region_name or ""),
        active=user.active,
    )


@router.get(
    "",
    response_model=Page[StaffOut],
    summary="The staff within your reach (to pair and assign workers, to show who did what)",
    description="Order: by display name, then id. " + _REACH,
    responses=protected_problems(ValidationFailed),
)
async def staff_list(
    actor: StaffReader,
    session: ReadDbSession,
    page: PageParams,
    role: Annotated[Role | None, Query(description="Only this role.")] = None,
    region: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="Only users whose scope lies in this subtree."),
    ] = None,
    organization_id: Annotated[
        uuid.UUID | None, Query(description="Only this organisation's staff.")
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="The display name begins with this."),
    ] = None,
    active: Annotated[
        bool | None, Query(description="Active (true) or deactivated (false).")
    ] = None,
) -> Page[StaffOut]:
    filters = StaffFilters(
        role=role.value if role is not None else None,
        region=region,
        organization_id=organization_id,
        name_prefix=q.strip() or None if q else None,
        active=active,
    )
    found, cursor = await directory.staff(session, actor, filters, page)
    return Page(items=[_out(e) for e in found], next_cursor=cursor)


@router.get(
    "/{user_id:uuid}",
    response_model=StaffOut,
    summary="One member of staff within your reach (404 for anyone else)",
    description=_REACH,
    responses=protected_problems(NotFound),
)
async def staff_get(
    user_id: Annotated[uuid.UUID, Path(description="User id.")],
    actor: StaffReader,
    session: ReadDbSession,
) -> StaffOut:
    return _out(await directory.staff_member(session, actor, user_id))
