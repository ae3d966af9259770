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
from app.core.region_codes import CODE_PATTERN, RegionLevel
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.regions import service
from app.regions.schemas import RegionCreate, RegionDetail, RegionOut, RegionPathItem, RegionRename

router = api_router(
    dependencies=[Depends(actor_for(Action.reference_read))],
    prefix=f"{API_V1}/regions",
    tags=["regions"],
)

RegionCode = Annotated[
    str, Path(pattern=CODE_PATTERN, description="Region code (6, 9, 12 or 15 digits).")
]


@router.get(
    "",
    response_model=Page[RegionOut],
    summary="List the child regions of a region (or the districts)",
    description="Order: by region code.",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def regions_list(
    session: ReadDbSession,
    page: PageParams,
    parent_code: Annotated[
        str | None,
        Query(
            pattern=CODE_PATTERN, description="List this region's children; omit for the districts."
        ),
    ] = None,
) -> Page[RegionOut]:
    items, cursor = await service.list_children(session, parent_code, page)
    return Page(items=[RegionOut.model_validate(r) for r in items], next_cursor=cursor)


@router.get(
    "/{code}",
    response_model=RegionDetail,
    summary="Resolve a region code to the region and its path",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def regions_get(code: RegionCode, session: ReadDbSession, response: Response) -> RegionDetail:
    region, path = await service.get_with_path(session, code)
    response.headers["ETag"] = etag_for_version(region.version)
    return RegionDetail(
        **RegionOut.model_validate(region).model_dump(),
        path=[RegionPathItem.model_validate(r) for r in path],
    )


@router.get(
    "/{code}/subtree",
    response_model=Page[RegionOut],
    summary="List every region below a region",
    description="Order: by region code, so a parent comes before its children.",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def regions_subtree_list(
    code: RegionCode,
    session: ReadDbSession,
    page: PageParams,
    level: Annotated[RegionLevel | None, Query(description="Only regions of this level.")] = None,
) -> Page[RegionOut]:
    items, cursor = await service.list_subtree(session, code, level, page)
    return Page(items=[RegionOut.model_validate(r) for r in items], next_cursor=cursor)


Writer = Annotated[Actor, Depends(actor_for(Action.reference_write))]


@router.post(
    "",
    response_model=RegionOut,
    status_code=201,
    summary="Add a region under an existing parent (admins)",
    responses={**sends(201, ETAG, LOCATION), **protected_problems(ValidationFailed, Conflict)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def regions_create(
    admin: Writer, response: Response, session: DbSession, body: RegionCreate
) -> RegionOut:
    region = await service.create(session, admin.context, body.code, body.name)
    response.headers["Location"] = f"/api/v1/regions/{region.code}"
    response.headers["ETag"] = etag_for_version(region.version)
    return RegionOut.model_validate(region)


@router.patch(
    "/{code}",
    response_model=RegionOut,
    summary="Rename a region (admins)",
    responses={
        **sends(200, ETAG),
        **protected_problems(
            NotFound,
            ValidationFailed,
            PreconditionFailed,
            PreconditionRequired,
        ),
    },
)
async def regions_update(
    code: RegionCode,
    admin: Writer,
    response: Response,
    session: DbSession,
    body: RegionRename,
    expected: ExpectedVersion,
) -> RegionOut:
    region = await service.rename(session, admin.context, code, body.name, expected)
    response.headers["ETag"] = etag_for_version(region.version)
    return RegionOut.model_validate(region)
