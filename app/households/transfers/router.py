"""Transfer requests between streets and the district's worklist of overdue ones (DOMAIN 4)."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.confidentiality.public import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import etag_for_version
from app.core.masking import PersonalField
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.households import access
from app.households.errors import (
    PersonInAnotherHousehold,
    PersonMoved,
    TooManyLookups,
)
from app.households.http import answer_household_version, household_written
from app.households.members import lookups
from app.households.transfers import repository, service
from app.households.transfers.errors import (
    PersonNotInLedger,
    TransferRequestPending,
    TransferTargetNotActive,
)
from app.households.transfers.schemas import (
    AcceptIn,
    CancelIn,
    DecideIn,
    Direction,
    RefuseIn,
    TransferRequestIn,
    TransferRequestOut,
)
from app.households.transfers.states import MOVES, TransferStatus
from app.households.transfers.views import request_out

router = api_router(prefix=API_V1, tags=["transfer requests"])
REQUESTS = "/transfer-requests"
ONE = REQUESTS + "/{request_id:uuid}"
RequestId = Annotated[uuid.UUID, Path(description="Transfer request id.")]
Reader = Annotated[Actor, Depends(actor_for(Action.transfer_requests_read))]
Filer = Annotated[
    Actor, Depends(actor_for(Action.transfer_requests_file, takes=PersonalField.id_number))
]
Canceller = Annotated[Actor, Depends(actor_for(Action.transfer_requests_file))]
Answerer = Annotated[Actor, Depends(actor_for(Action.transfer_requests_answer))]
Decider = Annotated[Actor, Depends(actor_for(Action.transfer_requests_decide))]
MOVING = (InvalidTransition, PersonMoved, TransferTargetNotActive)
"""What an action that moves the person can meet besides the request's own state."""
SENDING_WRITTEN = household_written(
    200,
    ETAG,
    description="The request as it now stands. When the person moved, `X-Household-ETag` and "
    "`X-Household-Version` give the sending household's new ETag: the answering side holds "
    "that household, while the receiving one may lie outside its reach (its requester reads "
    "its new version with it).",
)
"""The headers of an answer that moves the person: the household of the side answering."""


async def _shown(
    session: ReadDbSession | DbSession, actor: Actor, request_id: uuid.UUID, response: Response
) -> TransferRequestOut:
    row = await service.visible(session, actor, request_id)
    response.headers["ETag"] = etag_for_version(row.TransferRequest.version)
    return request_out(actor, row)


async def _answered(
    session: DbSession, actor: Actor, request_id: uuid.UUID, response: Response
) -> TransferRequestOut:
    """The request after the sending side answered it; when the person moved, with the
    sending household's new ETag."""
    shown = await _shown(session, actor, request_id, response)
    if shown.status in MOVES and shown.from_household_id is not None:
        answer_household_version(response, session, shown.from_household_id)
    return shown


@router.post(
    REQUESTS,
    response_model=TransferRequestOut,
    status_code=201,
    summary="Ask another street to let a person move into a household of yours",
    description="For a person active in a household another street holds (人随户走). The ID "
    "number spends one of the account's lookups of the minute "
    "(`SANZHU_PERSON_LOOKUPS_PER_MINUTE`), found or not. The answer says only that the "
    "request is pending: nothing of the sending household. The sending street has "
    "`SANZHU_TRANSFER_REQUEST_ESCALATION_WORKING_DAYS` working days (`due_on`) before the "
    "request goes to the district's worklist.",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(
            NotFound,
            ValidationFailed,
            ConfidentialityAgreementRequired,
            InvalidTransition,
            PersonInAnotherHousehold,
            PersonNotInLedger,
            TransferRequestPending,
            TooManyLookups,
        ),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def transfer_requests_create(
    actor: Filer, response: Response, session: DbSession, body: TransferRequestIn
) -> TransferRequestOut:
    await lookups.spend(actor)
    request_id = await service.file(session, actor, body)
    response.headers["Location"] = f"{API_V1}{REQUESTS}/{request_id}"
    return await _shown(session, actor, request_id, response)


@router.get(
    REQUESTS,
    response_model=Page[TransferRequestOut],
    summary="Transfer requests in your reach, in filing order",
    description="`incoming`: the sending household is in your reach (you answer them); "
    "`outgoing`: the receiving household is (you or your colleagues filed them); without "
    "`direction`, both. District officers see every request of their district. The read is "
    "audited.",
    responses=protected_problems(ValidationFailed),
)
async def transfer_requests_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    direction: Annotated[
        Direction | None, Query(description="`incoming` or `outgoing`; both when left out.")
    ] = None,
    status: Annotated[
        TransferStatus | None, Query(description="Only requests in this state.")
    ] = None,
) -> Page[TransferRequestOut]:
    rows, cursor = await repository.page(
        session, actor.reach, page, direction=direction, status=status
    )
    access.audit_read(session, actor, "transfer_request.list.read")
    return Page(items=[request_out(actor, row) for row in rows], next_cursor=cursor)


@router.get(
    ONE,
    response_model=TransferRequestOut,
    summary="One transfer request (ETag: its version; the read is audited)",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def transfer_requests_get(
    request_id: RequestId, actor: Reader, response: Response, session: ReadDbSession
) -> TransferRequestOut:
    shown = await _shown(session, actor, request_id, response)
    access.audit_read(session, actor, "transfer_request.read", region_code=shown.to_region_code)
    return shown


@router.post(
    ONE + "/accept",
    response_model=TransferRequestOut,
    summary="Accept a request (sending street): the person moves now, history on both sides",
    description="409 `invalid_transition` (with `allowed`) unless pending; 409 `person_moved` "
    "when the person has left your household since; 409 `invalid_transition` when your "
    "household has left the ledger; 409 `transfer_target_not_active` when the receiving one has.",
    responses={**SENDING_WRITTEN, **protected_problems(NotFound, ValidationFailed, *MOVING)},
)
async def transfer_requests_accept(
    request_id: RequestId, actor: Answerer, response: Response, session: DbSession, body: AcceptIn
) -> TransferRequestOut:
    await service.accept(session, actor, request_id, body)
    return await _answered(session, actor, request_id, response)


@router.post(
    ONE + "/refuse",
    response_model=TransferRequestOut,
    summary="Refuse a request (sending street) with a reason code",
    responses={
        **sends(200, ETAG),
        **protected_problems(NotFound, ValidationFailed, InvalidTransition),
    },
)
async def transfer_requests_refuse(
    request_id: RequestId, actor: Answerer, response: Response, session: DbSession, body: RefuseIn
) -> TransferRequestOut:
    await service.refuse(session, actor, request_id, body)
    return await _shown(session, actor, request_id, response)


@router.post(
    ONE + "/decide",
    response_model=TransferRequestOut,
    summary="Decide a pending request either way (district officers of the sending district)",
    responses={**SENDING_WRITTEN, **protected_problems(NotFound, ValidationFailed, *MOVING)},
)
async def transfer_requests_decide(
    request_id: RequestId, actor: Decider, response: Response, session: DbSession, body: DecideIn
) -> TransferRequestOut:
    await service.decide(session, actor, request_id, body)
    return await _answered(session, actor, request_id, response)


@router.post(
    ONE + "/cancel",
    response_model=TransferRequestOut,
    summary="Withdraw a pending request (the requesting side)",
    responses={
        **sends(200, ETAG),
        **protected_problems(NotFound, ValidationFailed, InvalidTransition),
    },
)
async def transfer_requests_cancel(
    request_id: RequestId, actor: Canceller, response: Response, session: DbSession, body: CancelIn
) -> TransferRequestOut:
    await service.cancel(session, actor, request_id, body.note)
    return await _shown(session, actor, request_id, response)


@router.get(
    "/worklists/transfer-requests",
    response_model=Page[TransferRequestOut],
    summary="Transfer requests the sending street left unanswered past their due date",
    description="District officers: pending requests of their district whose `due_on` has "
    "passed, the longest overdue first (`due_on`, then filing order).",
    responses=protected_problems(ValidationFailed),
)
async def worklists_transfer_requests(
    actor: Decider, session: ReadDbSession, page: PageParams
) -> Page[TransferRequestOut]:
    rows, cursor = await repository.overdue_page(session, actor.reach, page, actor.today)
    access.audit_read(session, actor, "transfer_request.worklist.read")
    return Page(items=[request_out(actor, row) for row in rows], next_cursor=cursor)
