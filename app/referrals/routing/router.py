"""The routing table's routes: region staff read it, administrators keep it (DOMAIN 7)."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.core.auth import Actor, actor_for
from app.core.errors import (
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
)
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.referrals.errors import RouteExists
from app.referrals.routing import repository, service
from app.referrals.routing.schemas import (
    DefaultIn,
    DefaultOut,
    Kind,
    NeedCode,
    RouteIn,
    RouteOut,
    RoutePatch,
)

ROUTES = "/referral-routes"
router = api_router(prefix=API_V1 + ROUTES, tags=["referrals"])
Reader = Annotated[Actor, Depends(actor_for(Action.referral_routes_read))]
Keeper = Annotated[Actor, Depends(actor_for(Action.referral_routes_write))]
RouteId = Annotated[uuid.UUID, Path(description="Rule id.")]
DefaultId = Annotated[uuid.UUID, Path(description="Default id.")]
CHANGED = (NotFound, ValidationFailed, PreconditionFailed, PreconditionRequired)


@router.get(
    "",
    response_model=Page[RouteOut],
    summary="The routing table's rules: which organisation kinds each need goes to",
    description="Order: oldest rule first (by id, which is time-ordered). `need_code` narrows "
    "to one need's rules.",
    responses=protected_problems(ValidationFailed),
)
async def referral_routes_list(
    _actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    need_code: Annotated[NeedCode | None, Query(description="Only this need's rules.")] = None,
) -> Page[RouteOut]:
    found, cursor = await repository.routes_page(session, page, need_code=need_code)
    return Page(items=[RouteOut.model_validate(r) for r in found], next_cursor=cursor)


@router.post(
    "",
    response_model=RouteOut,
    status_code=201,
    summary="Add a rule: a need goes to organisations of a kind (administrators)",
    description="`need_code` must be a code of dictionary `need` (422 `unknown_code`); 409 "
    "`referral_route_exists` when the need already goes to that kind. The push on acceptance and manual "
    "referrals count the due day from the rule's `due_working_days`.",
    responses={**sends(201, ETAG, LOCATION), **protected_problems(ValidationFailed, RouteExists)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def referral_routes_create(
    admin: Keeper, response: Response, session: DbSession, body: RouteIn
) -> RouteOut:
    route = await service.add_route(session, admin.context, body)
    response.headers["Location"] = f"{API_V1}{ROUTES}/{route.id}"
    response.headers["ETag"] = etag_for_version(route.version)
    return RouteOut.model_validate(route)


@router.patch(
    "/{route_id:uuid}",
    response_model=RouteOut,
    summary="Change a rule's due period (administrators; If-Match)",
    description="Referrals already sent keep their due day.",
    responses={**sends(200, ETAG), **protected_problems(*CHANGED)},
)
async def referral_routes_update(
    route_id: RouteId,
    admin: Keeper,
    response: Response,
    session: DbSession,
    body: RoutePatch,
    expected: ExpectedVersion,
) -> RouteOut:
    route = await service.change_route(
        session, admin.context, route_id, body.due_working_days, expected
    )
    response.headers["ETag"] = etag_for_version(route.version)
    return RouteOut.model_validate(route)


@router.delete(
    "/{route_id:uuid}",
    status_code=204,
    response_class=Response,
    summary="Delete a rule (administrators; If-Match)",
    description="Referrals already sent stay as they are.",
    responses={204: {"description": "Deleted."}, **protected_problems(*CHANGED)},
)
async def referral_routes_delete(
    route_id: RouteId, admin: Keeper, session: DbSession, expected: ExpectedVersion
) -> Response:
    await service.remove_route(session, admin.context, route_id, expected)
    return Response(status_code=204)


@router.get(
    "/defaults",
    response_model=Page[DefaultOut],
    summary="Default receiving organisations per organisation kind and region",
    description="Order: oldest first (by id). A household's referral of a kind goes to the "
    "default set on the most specific region of its path (grid, community, street, "
    "district).",
    responses=protected_problems(ValidationFailed),
)
async def referral_routes_defaults_list(
    _actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    organization_kind: Annotated[
        Kind | None, Query(description="Only the defaults of this kind.")
    ] = None,
) -> Page[DefaultOut]:
    found, cursor = await repository.defaults_page(
        session, page, organization_kind=organization_kind
    )
    return Page(items=[DefaultOut.model_validate(d) for d in found], next_cursor=cursor)


@router.put(
    "/defaults",
    response_model=DefaultOut,
    summary="Set the default receiving organisation of a kind for a region (administrators)",
    description="Creates the default of (`organization_kind`, `region_code`) or replaces its "
    "organisation. The organisation must exist and be of that kind (422 "
    "`organization_not_of_kind`); the region must exist.",
    responses={**sends(200, ETAG), **protected_problems(ValidationFailed)},
)
async def referral_routes_defaults_set(
    admin: Keeper, response: Response, session: DbSession, body: DefaultIn
) -> DefaultOut:
    found = await service.set_default(session, admin.context, body)
    response.headers["ETag"] = etag_for_version(found.version)
    return DefaultOut.model_validate(found)


@router.delete(
    "/defaults/{default_id:uuid}",
    status_code=204,
    response_class=Response,
    summary="Remove a default receiving organisation (administrators; If-Match)",
    description="Needs of that kind in that region then go to a less specific region's "
    "default, or are left unrouted.",
    responses={204: {"description": "Removed."}, **protected_problems(*CHANGED)},
)
async def referral_routes_defaults_delete(
    default_id: DefaultId, admin: Keeper, session: DbSession, expected: ExpectedVersion
) -> Response:
    await service.remove_default(session, admin.context, default_id, expected)
    return Response(status_code=204)
