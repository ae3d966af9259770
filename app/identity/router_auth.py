import base64
import binascii
from typing import Annotated, Any

from fastapi import Form, Request, Response

from app.core.auth import VisitorDep
from app.core.openapi import problems
from app.core.routing import API_V1, api_router
from app.core.uow import DbSession
from app.identity import tokens
from app.identity.errors import InvalidClient, InvalidGrant, InvalidRequest, UnsupportedGrantType
from app.identity.schemas import RefreshIn, TokenOut

router = api_router(prefix=f"{API_V1}/auth", tags=["authentication"])
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_MAX_FIELD = 256


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient("malformed Basic credentials") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise InvalidClient("malformed Basic credentials")
    return client_id, secret


def _token_out(issued: tokens.IssuedTokens) -> TokenOut:
    return TokenOut(
        access_token=issued.access_token,
        token_type="bearer",  # noqa: S106 - the OAuth2 token type, not a secret
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        role=issued.role,
        scope=issued.scope,
    )


@router.post(
    "/token",
    response_model=TokenOut,
    summary="Get an access token (password or client_credentials grant)",
    description=(
        "OAuth2 token endpoint (RFC 6749), form-encoded. People use `grant_type=password`; "
        "partner systems use `client_credentials`, authenticating by HTTP Basic or by "
        "`client_id`/`client_secret` form fields. Errors carry RFC 6749 `error` and "
        "`error_description` besides the problem members. Repeated failures slow down and then "
        "lock the account and address; the answer never says whether a username exists."
    ),
    responses=problems(InvalidRequest, InvalidGrant, InvalidClient, UnsupportedGrantType),
)
async def auth_token(
    request: Request,
    visitor: VisitorDep,
    response: Response,
    session: DbSession,
    grant_type: Annotated[
        str | None, Form(description="`password` or `client_credentials`.")
    ] = None,
    username: Annotated[str | None, Form(description="Password grant: the username.")] = None,
    password: Annotated[str | None, Form(description="Password grant: the password.")] = None,
    client_id: Annotated[
        str | None, Form(description="Client grant without Basic: the client id.")
    ] = None,
    client_secret: Annotated[
        str | None, Form(description="Client grant without Basic: the secret.")
    ] = None,
    scope: Annotated[str | None, Form(description="Ignored; scope comes from the account.")] = None,
) -> TokenOut:
    # RFC 6749 5.2: every malformed token request is 400 invalid_request, never a 422.
    fields = (grant_type, username, password, client_id, client_secret, scope)
    if any(value is not None and len(value) > _MAX_FIELD for value in fields):
        raise InvalidRequest(f"a parameter is longer than {_MAX_FIELD} characters")
    if grant_type is None:
        raise InvalidRequest("grant_type is required")
    services, context = visitor.services, visitor.context
    response.headers.update(_NO_STORE)
    if grant_type == "password":
        if not username or password is None:
            raise InvalidRequest("username and password are required")
        return _token_out(await tokens.sign_in(services, session, context, username, password))
    if grant_type == "client_credentials":
        credentials = _basic_credentials(request) or (
            (client_id, client_secret) if client_id and client_secret is not None else None
        )
        if credentials is None:
            raise InvalidClient("client authentication is required")
        return _token_out(await tokens.client_credentials(services, session, context, *credentials))
    raise UnsupportedGrantType(f"grant_type {grant_type!r} is not supported")


@router.post(
    "/refresh",
    response_model=TokenOut,
    summary="Exchange a refresh token for new tokens (rotation)",
    description="Each refresh token works once. Using one twice revokes every token of that sign-in.",
    responses=problems(InvalidGrant),
)
async def auth_refresh(
    visitor: VisitorDep, response: Response, session: DbSession, body: RefreshIn
) -> TokenOut:
    response.headers.update(_NO_STORE)
    issued = await tokens.refresh(visitor.services, session, visitor.context, body.refresh_token)
    return _token_out(issued)


@router.post(
    "/logout",
    status_code=204,
    response_class=Response,
    summary="End a sign-in: revoke its refresh and access tokens",
    description=(
        "Revokes every refresh token of the sign-in the given refresh token belongs to, and "
        "its access tokens: this process refuses them at once, every other process within "
        "`SANZHU_PRINCIPAL_RECHECK_SECONDS`."
    ),
    responses={204: {"description": "Signed out (also for unknown tokens)."}, **problems()},
)
async def auth_logout(visitor: VisitorDep, session: DbSession, body: RefreshIn) -> Response:
    await tokens.logout(visitor.services, session, visitor.context, body.refresh_token)
    return Response(status_code=204)


@router.get(
    "/jwks",
    summary="Public keys that verify access tokens (JWKS)",
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {"keys": [{"kty": "EC", "crv": "P-256", "kid": "…"}]}
                }
            },
            "description": "JWKS.",
        },
        **problems(),
    },
)
async def auth_jwks(visitor: VisitorDep) -> dict[str, Any]:
    keys: dict[str, Any] = visitor.services.key_ring.public_jwks()
    return keys
