import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from app.confidentiality import service, views
from app.confidentiality.schemas import AgreementIn, AgreementOut, GrantIn, GrantOut
from app.core.auth import Actor, Forbidden, actor_for
from app.core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from app.core.openapi import LOCATION, problems, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession

router = api_router(prefix=API_V1, tags=["confidentiality"])
Manager = Annotated[Actor, Depends(actor_for(Action.confidentiality_manage))]
Issuer = Annotated[Actor, Depends(actor_for(Action.auditor_grants_issue))]
GrantReader = Annotated[Actor, Depends(actor_for(Action.auditor_grants_read))]
Myself = Annotated[Actor, Depends(actor_for(Action.own_account))]


class Acknowledged(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"confidentiality_signed_at": "2026-11-23T08:00:00Z"}]}
    )

    confidentiality_signed_at: datetime = Field(description="When you acknowledged the agreement.")


@router.get(
    "/confidentiality-agreements",
    response_model=Page[AgreementOut],
    summary="Confidentiality agreements of streets with social-work agencies",
    description="Order: oldest recorded first (by id, which is time-ordered).",
    responses=protected_problems(ValidationFailed),
)
async def confidentiality_agreements_list(
    actor: Manager, session: ReadDbSession, page: PageParams
) -> Page[AgreementOut]:
    items, cursor = await service.list_agreements(session, actor, page)
    return Page(items=await views.agreements_out(session, items), next_cursor=cursor)


@router.post(
    "/confidentiality-agreements",
    response_model=AgreementOut,
    status_code=201,
    summary="Record a confidentiality agreement a street signed with an agency (Beijing 7)",
    responses={**sends(201, LOCATION), **protected_problems(NotFound, ValidationFailed, Conflict)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def confidentiality_agreements_create(
    actor: Manager, response: Response, session: DbSession, body: AgreementIn
) -> AgreementOut:
    agreement = await service.record_agreement(session, actor, body)
    response.headers["Location"] = f"/api/v1/confidentiality-agreements/{agreement.id}"
    return (await views.agreements_out(session, [agreement]))[0]


@router.post(
    "/users/me/confidentiality-acknowledgement",
    response_model=Acknowledged,
    summary="Acknowledge the confidentiality agreement personally",
    responses=problems(Unauthorized, Forbidden),
)
async def users_me_acknowledge(me: Myself, session: DbSession) -> Acknowledged:
    signed_at = await service.acknowledge(session, me)
    return Acknowledged(confidentiality_signed_at=signed_at)


@router.get(
    "/auditor-grants",
    response_model=Page[GrantOut],
    summary="Auditor grants (an auditor sees its own)",
    description="Order: oldest issued first (by id, which is time-ordered).",
    responses=protected_problems(ValidationFailed),
)
async def auditor_grants_list(
    actor: GrantReader, session: ReadDbSession, page: PageParams
) -> Page[GrantOut]:
    items, cursor = await service.list_grants(session, actor, page)
    return Page(items=await views.grants_out(session, items), next_cursor=cursor)


@router.post(
    "/auditor-grants",
    response_model=GrantOut,
    status_code=201,
    summary="Let an auditor see personal data of a subtree for a limited time",
    responses={**sends(201, LOCATION), **protected_problems(NotFound, ValidationFailed)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def auditor_grants_create(
    actor: Issuer, response: Response, session: DbSession, body: GrantIn
) -> GrantOut:
    grant = await service.issue_grant(session, actor, body)
    response.headers["Location"] = f"/api/v1/auditor-grants/{grant.id}"
    return (await views.grants_out(session, [grant]))[0]


@router.post(
    "/auditor-grants/{grant_id}/revoke",
    response_model=GrantOut,
    summary="Revoke an auditor grant early",
    responses=protected_problems(NotFound, Conflict, ValidationFailed),
)
async def auditor_grants_revoke(
    actor: Issuer,
    grant_id: Annotated[uuid.UUID, Path(description="Grant id.")],
    session: DbSession,
) -> GrantOut:
    return (
        await views.grants_out(session, [await service.revoke_grant(session, actor, grant_id)])
    )[0]
