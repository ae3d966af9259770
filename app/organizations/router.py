import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.core.auth import Actor, actor_for
from app.core.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
)
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.organizations import service
from app.organizations.schemas import (
    OrganizationCreate,
    OrganizationKind,
    OrganizationOut,
    OrganizationUpdate,
)

router = api_router(
    dependencies=[Depends(actor_for(Action.reference_read))],
    prefix=f"{API_V1}/organizations",
    tags=["reference data"],
)


@router.get(
    "",
    response_model=Page[OrganizationOut],
    summary="List organizations, filtered by kind, region subtree or parent",
    description="Order: oldest entered first (by id, which is time-ordered).",
    responses=protected_problems(ValidationFailed),
)
async def organizations_list(
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
    responses=protected_problems(NotFound, ValidationFailed),
)
async def organizations_get(
    organization_id: Annotated[uuid.UUID, Path(description="Organization id.")],
    session: ReadDbSession,
) -> OrganizationOut:
    return OrganizationOut.model_validate(await service.get(session, organization_id))


Writer = Annotated[Actor, Depends(actor_for(Action.reference_write))]
OrganizationId = Annotated[uuid.UUID, Path(description="Organization id.")]


@router.post(
    "",
    response_model=OrganizationOut,
    status_code=201,
    summary="Add an organization (admins)",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(NotFound, ValidationFailed, Conflict),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def organizations_create(
    admin: Writer, response: Response, session: DbSession, body: OrganizationCreate
) -> OrganizationOut:
    organization = await service.create(session, admin.context, body)
    response.headers["Location"] = f"/api/v1/organizations/{organization.id}"
    response.headers["ETag"] = etag_for_version(organization.version)
    return OrganizationOut.model_validate(organization)


@router.patch(
    "/{organization_id}",
    response_model=OrganizationOut,
    summary="Rename an organization (admins)",
    responses={
        **sends(200, ETAG),
        **protected_problems(
            NotFound,
            ValidationFailed,
            Conflict,
            PreconditionFailed,
            PreconditionRequired,
        ),
    },
)
async def organizations_update(
    organization_id: OrganizationId,
    admin: Writer,
    response: Response,
    session: DbSession,
    body: OrganizationUpdate,
    expected: ExpectedVersion,
) -> OrganizationOut:
    organization = await service.rename(
        session, admin.context, organization_id, body.name, expected
    )
    response.headers["ETag"] = etag_for_version(organization.version)
    return OrganizationOut.model_validate(organization)
