import uuid
from typing import Annotated

from fastapi import Depends, Path, Query

from app.core.auth import Forbidden, require
from app.core.errors import NotFound, Unauthorized, ValidationFailed
from app.core.openapi import problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import api_router
from app.core.uow import ReadDbSession
from app.organizations import service
from app.organizations.schemas import OrganizationKind, OrganizationOut

router = api_router(
    dependencies=[Depends(require(Action.reference_read))],
    prefix="/organizations",
    tags=["reference data"],
)


@router.get(
    "",
    response_model=Page[OrganizationOut],
    summary="List organizations, filtered by kind, region subtree or parent",
    responses=problems(Unauthorized, Forbidden, ValidationFailed),
)
async def list_organizations(
    session: ReadDbSession,
    page: PageParams,
    kind: Annotated[
        OrganizationKind | None, Query(description="Only organizations of this kind.")
    ] = None,
    region: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="Only organizations in this region's subtree."),
    ] = None,
    parent_id: Annotated[
        uuid.UUID | None, Query(description="Only organizations under this one.")
    ] = None,
) -> Page[OrganizationOut]:
    items, cursor = await service.search(
        session, kind=kind, region=region, parent_id=parent_id, page=page
    )
    return Page(items=[OrganizationOut.model_validate(o) for o in items], next_cursor=cursor)


@router.get(
    "/{organization_id}",
    response_model=OrganizationOut,
    summary="Get one organization",
    responses=problems(Unauthorized, Forbidden, NotFound, ValidationFailed),
)
async def get_organization(
    organization_id: Annotated[uuid.UUID, Path(description="Organization id.")],
    session: ReadDbSession,
) -> OrganizationOut:
    return OrganizationOut.model_validate(await service.get(session, organization_id))
