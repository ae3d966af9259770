import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.core.auth import Actor, Forbidden, actor_for
from app.core.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unauthorized,
    ValidationFailed,
)
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, problems, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action, Role
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.identity import users
from app.identity.errors import TooManyFailedAttempts, WrongPassword
from app.identity.schemas import MeUpdate, PasswordChange, UserCreate, UserOut, UserUpdate

router = api_router(prefix=f"{API_V1}/users", tags=["users"])
SECURITY_FIELDS = frozenset({"role", "scope_region_code", "organization_id", "active"})
"""Changing any of these ends the user's sign-ins (their tokens carry them)."""
Admin = Annotated[Actor, Depends(actor_for(Action.users_manage))]
Myself = Annotated[Actor, Depends(actor_for(Action.own_account))]
UserId = Annotated[uuid.UUID, Path(description="User id.")]


def _min_length(actor: Actor) -> int:
    return int(actor.services.settings.password_min_length)


def _with_etag(response: Response, user: UserOut) -> UserOut:
    response.headers["ETag"] = etag_for_version(user.version)
    return user


@router.get(
    "",
    response_model=Page[UserOut],
    summary="List users",
    description="Order: by username.",
    responses=protected_problems(ValidationFailed),
)
async def users_list(
    _: Admin,
    session: ReadDbSession,
    page: PageParams,
    role: Annotated[Role | None, Query(description="Only users with this role.")] = None,
    region: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="Only users whose scope is in this subtree."),
    ] = None,
    active: Annotated[
        bool | None, Query(description="Only active (true) or inactive (false) users.")
    ] = None,
) -> Page[UserOut]:
    items, cursor = await users.search(
        session, role=role.value if role else None, region=region, active=active, page=page
    )
    return Page(items=[UserOut.model_validate(u) for u in items], next_cursor=cursor)


@router.post(
    "",
    response_model=UserOut,
    status_code=201,
    summary="Create a user",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(ValidationFailed, Conflict, NotFound),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def users_create(
    admin: Admin, response: Response, session: DbSession, body: UserCreate
) -> UserOut:
    user = await users.create(
        session,
        admin.context,
        admin.services.password_hasher,
        body,
        min_length=_min_length(admin),
    )
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return _with_etag(response, UserOut.model_validate(user))


@router.get(
    "/me",
    response_model=UserOut,
    summary="Your own account",
    responses={**sends(200, ETAG), **problems(Unauthorized, Forbidden)},
)
async def users_me_get(me: Myself, response: Response, session: ReadDbSession) -> UserOut:
    return _with_etag(response, UserOut.model_validate(await users.get(session, me.principal.id)))


@router.patch(
    "/me",
    response_model=UserOut,
    summary="Change your display name",
    responses={
        **sends(200, ETAG),
        **protected_problems(ValidationFailed, PreconditionFailed, PreconditionRequired),
    },
)
async def users_me_update(
    me: Myself,
    response: Response,
    session: DbSession,
    body: MeUpdate,
    expected: ExpectedVersion,
) -> UserOut:
    user = await users.rename_self(
        session, me.context, me.principal.id, body.display_name, expected
    )
    return _with_etag(response, UserOut.model_validate(user))


@router.post(
    "/me/password",
    status_code=204,
    response_class=Response,
    summary="Change your password (the old one is required); ends your other sign-ins",
    description=(
        "A wrong old password counts as a failed sign-in of the account (the same count, "
        "slowdown and lock as `POST /auth/token`), and every refusal is audited. Once the "
        "account is locked every attempt is 429, whatever the password."
    ),
    responses={
        204: {"description": "Changed."},
        **protected_problems(WrongPassword, TooManyFailedAttempts, ValidationFailed),
    },
)
async def users_me_password_change(
    me: Myself, session: DbSession, body: PasswordChange
) -> Response:
    await users.change_password(
        me.services,
        session,
        me.context,
        me.principal.id,
        body.old_password.get_secret_value(),
        body.new_password.get_secret_value(),
    )
    me.services.activity.forget_after(session, me.principal.id)
    return Response(status_code=204)


@router.get(
    "/{user_id}",
    response_model=UserOut,
    summary="Get a user",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def users_get(
    _: Admin, user_id: UserId, response: Response, session: ReadDbSession
) -> UserOut:
    return _with_etag(response, UserOut.model_validate(await users.get(session, user_id)))


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    summary="Change a user (role, scope, organization, active)",
    responses={
        **sends(200, ETAG),
        **problems(Forbidden, NotFound, ValidationFailed, PreconditionFailed, PreconditionRequired),
    },
)
async def users_update(
    admin: Admin,
    user_id: UserId,
    response: Response,
    session: DbSession,
    body: UserUpdate,
    expected: ExpectedVersion,
) -> UserOut:
    user = await users.update(session, admin.context, user_id, body, expected)
    if body.model_fields_set & SECURITY_FIELDS:
        admin.services.activity.forget_after(session, user.id)
    return _with_etag(response, UserOut.model_validate(user))
