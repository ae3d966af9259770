import uuid
from typing import Annotated

from fastapi import Depends, Path, Response

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
from app.core.routing import API_V1, api_router
from app.core.uow import DbSession, ReadDbSession
from app.identity import clients, throttle
from app.identity.schemas import (
    ApiClientCreate,
    ApiClientCreated,
    ApiClientOut,
    ApiClientUpdate,
    LoginLockOut,
)

router = api_router(prefix=API_V1, tags=["api clients and sign-in locks"])
ClientAdmin = Annotated[Actor, Depends(actor_for(Action.api_clients_manage))]
LockAdmin = Annotated[Actor, Depends(actor_for(Action.lockouts_manage))]


@router.get(
    "/api-clients",
    response_model=Page[ApiClientOut],
    summary="List partner API clients",
    description="Order: by client id.",
    responses=protected_problems(ValidationFailed),
)
async def api_clients_list(
    _: ClientAdmin, session: ReadDbSession, page: PageParams
) -> Page[ApiClientOut]:
    items, cursor = await clients.search(session, page)
    return Page(items=[ApiClientOut.model_validate(c) for c in items], next_cursor=cursor)


@router.post(
    "/api-clients",
    response_model=ApiClientCreated,
    status_code=201,
    summary="Create a partner API client (the secret is shown once)",
    description="Not idempotent on purpose: a replayed response would show the secret a second time.",
    responses={**sends(201, LOCATION), **protected_problems(ValidationFailed, Conflict, NotFound)},
)
async def api_clients_create(
    admin: ClientAdmin, response: Response, session: DbSession, body: ApiClientCreate
) -> ApiClientCreated:
    client, secret = await clients.create(session, admin.context, body)
    response.headers["Location"] = f"/api/v1/api-clients/{client.id}"
    return ApiClientCreated(
        **ApiClientOut.model_validate(client).model_dump(), client_secret=secret
    )


@router.patch(
    "/api-clients/{client_id}",
    response_model=ApiClientOut,
    summary="Activate or deactivate a partner API client",
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
async def api_clients_update(
    admin: ClientAdmin,
    client_id: Annotated[uuid.UUID, Path(description="Id of the client record.")],
    response: Response,
    session: DbSession,
    body: ApiClientUpdate,
    expected: ExpectedVersion,
) -> ApiClientOut:
    client = await clients.set_active(session, admin.context, client_id, body.active, expected)
    response.headers["ETag"] = etag_for_version(client.version)
    if not body.active:
        admin.services.activity.forget_after(session, client.id)
    return ApiClientOut.model_validate(client)


@router.get(
    "/login-locks",
    response_model=Page[LoginLockOut],
    summary="Accounts and addresses locked after failed sign-ins",
    description="Order: by subject (the account or address).",
    responses=protected_problems(ValidationFailed),
)
async def login_locks_list(
    _: LockAdmin, session: ReadDbSession, page: PageParams
) -> Page[LoginLockOut]:
    items, cursor = await throttle.list_locks(session, page)
    return Page(items=[LoginLockOut.model_validate(t) for t in items], next_cursor=cursor)


@router.delete(
    "/login-locks/{subject}",
    status_code=204,
    response_class=Response,
    summary="Lift a sign-in lock",
    responses={204: {"description": "Lifted."}, **protected_problems(NotFound)},
)
async def login_locks_lift(
    admin: LockAdmin,
    subject: Annotated[
        str, Path(max_length=120, description="`account:<username>` or `address:<ip>`.")
    ],
    session: DbSession,
) -> Response:
    await throttle.lift(session, admin.context, subject)
    return Response(status_code=204)
