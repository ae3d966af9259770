"""Members of households and moving people between them (DOMAIN 4)."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.confidentiality.service import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import protected_problems
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.households import completeness, members, people, repository, service, transfer, views
from app.households.errors import InvalidTransition, PersonInAnotherHousehold
from app.households.person_schemas import (
    MemberIn,
    MemberOut,
    MemberPatch,
    PersonMatch,
    PersonSearchIn,
    TransferIn,
)

router = api_router(prefix=API_V1, tags=["ledger"])
Reader = Annotated[Actor, Depends(actor_for(Action.households_read))]
Writer = Annotated[Actor, Depends(actor_for(Action.households_write))]
HouseholdId = Annotated[uuid.UUID, Path(description="Household id.")]
PersonId = Annotated[uuid.UUID, Path(description="Person id.")]
_PERSONAL = (NotFound, ValidationFailed, ConfidentialityAgreementRequired)


@router.get(
    "/households/{household_id}/members",
    response_model=list[MemberOut],
    summary="Active members of a household (masked per role; the read is audited)",
    responses=protected_problems(*_PERSONAL),
)
async def list_members(
    household_id: HouseholdId, actor: Reader, session: ReadDbSession
) -> list[MemberOut]:
    household = await service.personal(session, actor, household_id)
    rows = await repository.member_rows(session, household.id)
    views.audit_read(
        session, actor, "household.members.read", "household", household.id, household.region_code
    )
    return [views.member_out(actor, household.head_person_id, row, row) for row in rows]


@router.post(
    "/households/{household_id}/members",
    response_model=MemberOut,
    status_code=201,
    summary="Add a member; an ID number already active in a household is a 409",
    responses=protected_problems(*_PERSONAL, PersonInAnotherHousehold),
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def add_member(
    household_id: HouseholdId,
    actor: Writer,
    response: Response,
    session: DbSession,
    body: MemberIn,
) -> MemberOut:
    household = await service.writable(session, actor, household_id)
    membership, person = await members.add(session, actor, household, body)
    service.touch(household)
    await completeness.refresh(session, household)
    response.headers["Location"] = f"/api/v1/households/{household.id}/members/{person.id}"
    response.headers["ETag"] = etag_for_version(person.version)
    return views.member_out(actor, household.head_person_id, membership, person)


@router.patch(
    "/households/{household_id}/members/{person_id}",
    response_model=MemberOut,
    summary="Change a member's details (If-Match on the person's version)",
    responses=protected_problems(*_PERSONAL, PreconditionFailed, PreconditionRequired),
)
async def update_member(
    household_id: HouseholdId,
    person_id: PersonId,
    actor: Writer,
    response: Response,
    session: DbSession,
    body: MemberPatch,
    expected: ExpectedVersion,
) -> MemberOut:
    household = await service.writable(session, actor, household_id)
    membership, person = await members.update(session, actor, household, person_id, body, expected)
    service.touch(household)
    await completeness.refresh(session, household)
    response.headers["ETag"] = etag_for_version(person.version)
    return views.member_out(actor, household.head_person_id, membership, person)


@router.delete(
    "/households/{household_id}/members/{person_id}",
    status_code=204,
    summary="End a membership (the history stays); a household without its head is flagged",
    responses=protected_problems(*_PERSONAL),
)
async def remove_member(
    household_id: HouseholdId,
    person_id: PersonId,
    actor: Writer,
    session: DbSession,
    reason: Annotated[
        str,
        Query(
            pattern="^(deceased|moved_out|entered_in_error|other)$",
            description="Why the person leaves.",
        ),
    ],
) -> Response:
    household = await service.writable(session, actor, household_id)
    await members.leave(session, actor, household, person_id, reason)
    service.touch(household)
    await completeness.refresh(session, household)
    return Response(status_code=204)


@router.post(
    "/persons/{person_id}/transfer",
    response_model=MemberOut,
    summary="Move a person to another household (one transaction, history on both sides)",
    responses=protected_problems(*_PERSONAL, InvalidTransition),
)
async def transfer_person(
    person_id: PersonId, actor: Writer, session: DbSession, body: TransferIn
) -> MemberOut:
    household, membership, person = await transfer.transfer(session, actor, person_id, body)
    return views.member_out(actor, household.head_person_id, membership, person)


@router.post(
    "/persons/search",
    response_model=list[PersonMatch],
    summary="Find a person by exact ID number (blind index; the search is audited)",
    responses=protected_problems(ValidationFailed, ConfidentialityAgreementRequired),
)
async def search_person(
    actor: Reader, session: ReadDbSession, body: PersonSearchIn
) -> list[PersonMatch]:
    return await people.search(session, actor, body.id_number)
