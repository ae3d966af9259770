"""Routes that exist only in tests, to drive the request pipeline's edges.

The Foundation has no write endpoints yet (they arrive with authentication),
so these exercise AppRoute, idempotency, If-Match, body limits and commit
failures through real HTTP on the real app and database.
"""

import asyncio
from typing import Annotated

from fastapi import FastAPI, File, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import Conflict, NotFound
from app.core.etag import ExpectedVersion, check_version, etag_for_version
from app.core.region_codes import RegionLevel
from app.core.routing import Idempotency, api_router, route_options
from app.core.uow import DbSession, after_transaction
from app.organizations.models import Organization
from app.regions import repository as regions_repository

router = api_router(prefix="/_test", tags=["test"])


class OrganizationIn(BaseModel):
    name: str = Field(description="Name.")
    fail: bool = Field(default=False, description="Raise after writing.")


class OrganizationOut(BaseModel):
    id: str = Field(description="Id.")
    name: str = Field(description="Name.")


async def _create(body: OrganizationIn, session: DbSession, response: Response) -> OrganizationOut:
    organization = Organization(kind="red_cross", name=body.name, region_code="500112")
    session.add(organization)
    await session.flush()
    if body.fail:
        raise Conflict()
    response.headers["Location"] = f"/_test/organizations/{organization.id}"
    return OrganizationOut(id=str(organization.id), name=organization.name)


@router.post(
    "/organizations",
    status_code=201,
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def create_organization(
    body: OrganizationIn, session: DbSession, response: Response
) -> OrganizationOut:
    return await _create(body, session, response)


@router.post(
    "/partner-organizations",
    status_code=201,
    openapi_extra=route_options(idempotency_mode=Idempotency.required),
)
async def create_partner_organization(
    body: OrganizationIn, session: DbSession, response: Response
) -> OrganizationOut:
    return await _create(body, session, response)


@router.post(
    "/slow-organizations",
    status_code=201,
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def create_slowly(
    body: OrganizationIn, session: DbSession, response: Response, request: Request
) -> OrganizationOut:
    request.app.state.slow_started.set()
    await request.app.state.slow_gate.wait()
    return await _create(body, session, response)


class NumberedIn(BaseModel):
    name: str = Field(description="Name; each run adds its number.")
    first_run_waits: bool = Field(default=False, description="The first run waits at the gate.")


@router.post(
    "/numbered-organizations",
    status_code=201,
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def create_numbered(
    body: NumberedIn, session: DbSession, response: Response, request: Request
) -> OrganizationOut:
    """Each run of the handler names its organization `name#run`, so a request that ran
    twice leaves two organizations instead of one conflict."""
    state = request.app.state
    state.runs += 1
    run = state.runs
    if body.first_run_waits and run == 1:
        state.slow_started.set()
        await state.slow_gate.wait()
    return await _create(OrganizationIn(name=f"{body.name}#{run}"), session, response)


@router.get("/organizations/count")
async def count_organizations(session: DbSession, name: str) -> dict[str, int]:
    rows = await session.execute(select(Organization.id).where(Organization.name == name))
    return {"count": len(rows.all())}


class VersionedIn(BaseModel):
    note: str = Field(description="Anything.")


@router.patch("/versioned/{current}")
async def patch_versioned(
    current: int, body: VersionedIn, expected: ExpectedVersion, response: Response
) -> dict[str, int]:
    check_version(expected, current)
    response.headers["ETag"] = etag_for_version(current + 1)
    return {"version": current + 1}


@router.post("/small", openapi_extra=route_options(body_limit=64))
async def small_body(body: VersionedIn) -> dict[str, str]:
    return {"note": body.note}


@router.post("/upload", openapi_extra=route_options(body_limit=1024))
async def upload(file: Annotated[bytes, File()]) -> dict[str, int]:
    return {"size": len(file)}


@router.post("/orphan-region")
async def orphan_region(session: DbSession) -> dict[str, str]:
    """Writes a street whose district does not exist: the FK is deferred, so COMMIT fails."""
    await regions_repository.upsert(
        session, code="999999001", name="孤儿街道", level=RegionLevel.street, parent_code="999999"
    )
    await session.flush()
    return {"written": "999999001"}


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internal detail: SELECT * FROM persons")


@router.get("/fail")
async def fail(request: Request) -> None:
    """Raises whatever the test put in `app.state.failure`."""
    raise request.app.state.failure


@router.post("/fail-afterwards")
async def fail_afterwards(request: Request, session: DbSession) -> dict[str, str]:
    """Succeeds; its deferred work (like an audit write) raises `app.state.failure`."""

    async def deferred() -> None:
        raise request.app.state.failure

    after_transaction(session, deferred)
    return {"answered": "yes"}


@router.get("/http/{status}")
async def http_status(status: int) -> None:
    """Raises Starlette's HTTPException, as the framework itself does."""
    raise StarletteHTTPException(status_code=status)


@router.get("/missing")
async def missing() -> None:
    raise NotFound("区划", "region")


def install(app: FastAPI) -> None:
    app.state.slow_gate = asyncio.Event()
    app.state.slow_started = asyncio.Event()
    app.state.runs = 0
    app.include_router(router)
