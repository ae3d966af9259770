from typing import Annotated

from fastapi import Depends, Path, Query

from app.core.auth import Forbidden, require
from app.core.errors import NotFound, Unauthorized, ValidationFailed
from app.core.openapi import problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN, RegionLevel
from app.core.routing import api_router
from app.core.uow import ReadDbSession
from app.regions import service
from app.regions.schemas import RegionDetail, RegionOut, RegionPathItem

router = api_router(
    dependencies=[Depends(require(Action.reference_read))], prefix="/regions", tags=["regions"]
)

RegionCode = Annotated[
    str, Path(pattern=CODE_PATTERN, description="Region code (6, 9, 12 or 15 digits).")
]


@router.get(
    "",
    response_model=Page[RegionOut],
    summary="List the child regions of a region (or the districts)",
    responses=problems(Unauthorized, Forbidden, NotFound, ValidationFailed),
)
async def list_regions(
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
    responses=problems(Unauthorized, Forbidden, NotFound, ValidationFailed),
)
async def get_region(code: RegionCode, session: ReadDbSession) -> RegionDetail:
    region, path = await service.get_with_path(session, code)
    return RegionDetail(
        **RegionOut.model_validate(region).model_dump(),
        path=[RegionPathItem.model_validate(r) for r in path],
    )


@router.get(
    "/{code}/subtree",
    response_model=Page[RegionOut],
    summary="List every region below a region",
    responses=problems(Unauthorized, Forbidden, NotFound, ValidationFailed),
)
async def list_subtree(
    code: RegionCode,
    session: ReadDbSession,
    page: PageParams,
    level: Annotated[RegionLevel | None, Query(description="Only regions of this level.")] = None,
) -> Page[RegionOut]:
    items, cursor = await service.list_subtree(session, code, level, page)
    return Page(items=[RegionOut.model_validate(r) for r in items], next_cursor=cursor)
