"""Members of households and moving people between them (DOMAIN 4)."""

from typing import Annotated

from fastapi import Depends, Query, Response

from app.confidentiality.public import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.errors import PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems
from app.core.pagination import Page
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.households import access
from app.households.errors import (
    HouseholdDeclined,
    HouseholdExited,
    PersonInAnotherHousehold,
    PersonMoved,
    TooManyLookups,
)
from app.households.http import (
    HOUSEHOLD,
    PERSONAL_READ,
    HouseholdId,
    IdNumberReader,
    IdNumberWriter,
    LedgerReader,
    LedgerWriter,
    PersonId,
    answer_household_version,
    household_written,
)
from app.households.members import lookups, periods, repository, search, service, transfer
from app.households.members.schemas import (
    MemberIn,
    MemberOut,
    MemberPatch,
    MembershipOut,
    MembershipPatch,
    PersonMatch,
    PersonSearchIn,
    TransferIn,
)
from app.households.members.views import member_out

router = api_router(prefix=API_V1, tags=["ledger"])
MEMBERS = f"/households{HOUSEHOLD}/members"
Transferrer = Annotated[Actor, Depends(actor_for(Action.persons_transfer))]


@router.get(
    MEMBERS,
    response_model=Page[MemberOut],
    summary="Active members of a household (masked per role; the read is audited)",
    description="Order: the order they joined (joining date, then id). A household's members "
    "come on one page: `next_cursor` is always null.",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_members_list(
    household_id: HouseholdId, actor: LedgerReader, session: ReadDbSession
) -> Page[MemberOut]:
    household = await access.personal(session, actor, household_id)
    rows = await repository.member_rows(session, household.id)
    access.audit_read(session, actor, "household.members.read", household)
    return Page(
        items=[member_out(actor, household.head_person_id, row) for row in rows], next_cursor=None
    )


@router.post(
    MEMBERS,
    response_model=MemberOut,
    status_code=201,
    summary="Add a member; an ID number already active in a household is a 409",
    description="Only for roles that see ID numbers whole; the ID number spends one of the "
    "account's lookups of the minute (`SANZHU_PERSON_LOOKUPS_PER_MINUTE`).",
    responses={
        **household_written(201, ETAG, LOCATION),
        **protected_problems(
            *PERSONAL_READ,
            PersonInAnotherHousehold,
            TooManyLookups,
            HouseholdExited,
            HouseholdDeclined,
        ),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def household_members_create(
    household_id: HouseholdId,
    actor: IdNumberWriter,
    response: Response,
    session: DbSession,
    body: MemberIn,
) -> MemberOut:
    await lookups.spend(actor)
    household, person = await service.add(session, actor, household_id, body)
    response.headers["Location"] = f"/api/v1/households/{household.id}/members/{person.id}"
    response.headers["ETag"] = etag_for_version(person.version)
    answer_household_version(response, session, household.id)
    row = await repository.member_row(session, household.id, person.id)
    return member_out(actor, household.head_person_id, row)


@router.patch(
    MEMBERS + "/{person_id:uuid}",
    response_model=MemberOut,
    summary="Change a member's details (If-Match on the person's version)",
    description="`ETag` is the person's; `X-Household-ETag` the household's.",
    responses={
        **household_written(200, ETAG),
        **protected_problems(*PERSONAL_READ, PreconditionFailed, PreconditionRequired),
    },
)
async def household_members_update(
    household_id: HouseholdId,
    person_id: PersonId,
    actor: LedgerWriter,
    response: Response,
    session: DbSession,
    body: MemberPatch,
    expected: ExpectedVersion,
) -> MemberOut:
    household, person = await service.update(
        session, actor, household_id, person_id, body, expected
    )
    response.headers["ETag"] = etag_for_version(person.version)
    answer_household_version(response, session, household.id)
    row = await repository.member_row(session, household.id, person.id)
    return member_out(actor, household.head_person_id, row)


@router.patch(
    MEMBERS + "/{person_id:uuid}/membership",
    response_model=MembershipOut,
    summary="Correct when a member joined or left, back-dated with a reason (If-Match on the household)",
    responses={
        **household_written(200, ETAG),
        **protected_problems(*PERSONAL_READ, PreconditionFailed, PreconditionRequired),
    },
)
async def household_memberships_update(
    household_id: HouseholdId,
    person_id: PersonId,
    actor: LedgerWriter,
    response: Response,
    session: DbSession,
    body: MembershipPatch,
    expected: ExpectedVersion,
) -> MembershipOut:
    """The person's active membership, or else the last one that ended. Household size on
    a past date counts a person from `joined_on` up to the day before `left_on`."""
    done = await periods.correct(session, actor, household_id, person_id, body, expected)
    membership = done.membership
    response.headers["ETag"] = etag_for_version(done.household.version)
    answer_household_version(response, session, done.household.id, done.household.version)
    return MembershipOut(
        household_id=done.household.id,
        person_id=membership.person_id,
        active=membership.active,
        joined_on=membership.joined_on,
        left_on=membership.left_on,
        left_reason=membership.left_reason,
        household_version=done.household.version,
    )


@router.delete(
    MEMBERS + "/{person_id:uuid}",
    status_code=204,
    summary="End a membership (the history stays); a household without its head is flagged",
    responses={
        **household_written(204, description="Removed; the headers give the household's new ETag."),
        **protected_problems(*PERSONAL_READ),
    },
)
async def household_members_remove(
    household_id: HouseholdId,
    person_id: PersonId,
    actor: LedgerWriter,
    session: DbSession,
    reason: Annotated[
        str,
        Query(
            pattern="^(deceased|moved_out|entered_in_error|other)$",
            description="Why the person leaves.",
        ),
    ],
) -> Response:
    await service.remove(session, actor, household_id, person_id, reason)
    response = Response(status_code=204)
    answer_household_version(response, session, household_id)
    return response


@router.post(
    "/persons/{person_id:uuid}/transfer",
    response_model=MemberOut,
    summary="Move a person to another household (one transaction, history on both sides)",
    description="District officers move a person anywhere in their district, across streets; "
    "street officers and community workers within their own reach. A person active in a "
    "household another street holds is asked for with `POST /api/v1/transfer-requests`. "
    "Moving into a household that has left the ledger is a 409 `household_exited`; "
    "people may move out of one, since they live on elsewhere. `X-Household-ETag` is the "
    "receiving household's.",
    responses={
        **household_written(200),
        **protected_problems(*PERSONAL_READ, HouseholdExited, HouseholdDeclined, PersonMoved),
    },
)
async def persons_transfer(
    person_id: PersonId,
    actor: Transferrer,
    response: Response,
    session: DbSession,
    body: TransferIn,
) -> MemberOut:
    household, membership = await transfer.transfer(session, actor, person_id, body)
    answer_household_version(response, session, household.id)
    row = await repository.member_row(session, household.id, membership.person_id)
    return member_out(actor, household.head_person_id, row)


@router.post(
    "/persons/search",
    response_model=Page[PersonMatch],
    summary="Find a person by exact ID number (blind index; the search is audited)",
    description="Only for roles that see ID numbers whole; each search spends one of the "
    "account's lookups of the minute (`SANZHU_PERSON_LOOKUPS_PER_MINUTE`), found or not. "
    "An ID number names one person at most: `items` holds zero or one match (no order to "
    "speak of) and `next_cursor` "
    "is always null.",
    responses=protected_problems(
        ValidationFailed, ConfidentialityAgreementRequired, TooManyLookups
    ),
)
async def persons_search(
    actor: IdNumberReader, session: ReadDbSession, body: PersonSearchIn
) -> Page[PersonMatch]:
    await lookups.spend(actor)
    return Page(items=await search.search(session, actor, body.id_number), next_cursor=None)
