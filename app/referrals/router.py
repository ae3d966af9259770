"""Referrals' routes: sending, a partner's push, reading, the actions of both sides, and the
overdue worklist."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.confidentiality.public import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.clock import business_today
from app.core.errors import (
    AppError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
)
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.households.public import PERSONAL_READ, HouseholdDeclined, HouseholdExited, audit_read
from app.referrals import inbound, repository, service
from app.referrals.confidential_lists import open_streets
from app.referrals.errors import ReferralAlreadyOpen
from app.referrals.inbound import PartnerReferralIn
from app.referrals.models import Referral
from app.referrals.schemas import ReferralActionIn, ReferralIn, ReferralOut, ReferralSummary
from app.referrals.states import SIDE, ReferralAction, ReferralStatus, Side
from app.referrals.views import referral_out, summaries

router = api_router(prefix=API_V1, tags=["referrals"])
REFERRALS = "/referrals"
ONE = REFERRALS + "/{referral_id:uuid}"
ReferralId = Annotated[uuid.UUID, Path(description="Referral id.")]
Reader = Annotated[Actor, Depends(actor_for(Action.referrals_read))]
Sender = Annotated[Actor, Depends(actor_for(Action.referrals_send))]
Pusher = Annotated[Actor, Depends(actor_for(Action.referrals_push))]
WorklistReader = Annotated[Actor, Depends(actor_for(Action.referrals_worklist))]
SOCIAL_WORKER_LISTS = (
    "A social worker lists only the referrals of the streets whose confidentiality agreement "
    "with its agency is valid today (403 `confidentiality_agreement_required` when none, or "
    "before acknowledging it)."
)
SIDE_ACTION = {Side.receiver: Action.referrals_handle, Side.sender: Action.referrals_cancel}
"""The permission of each side of the state machine (`states.SIDE`)."""


async def _answer(
    session: ReadDbSession | DbSession, actor: Actor, referral: Referral, response: Response
) -> ReferralOut:
    response.headers["ETag"] = etag_for_version(referral.version)
    shown = await referral_out(session, actor, referral)
    audit_read(
        session,
        actor,
        "referral.read",
        region_code=referral.region_code,
        subject=("referral", referral.id),
    )
    return shown


@router.post(
    REFERRALS,
    response_model=ReferralOut,
    status_code=201,
    summary="Refer a need of a household to an organisation (转介)",
    description="`need_id`: a live need instance (`open` or `being_met`) of a household in "
    "your reach; `receiver_organization_id`: the organisation that receives it. The due day "
    "is counted in working days from today, by the routing table's rule for the need and the "
    "receiver's kind, else `SANZHU_REFERRAL_DUE_WORKING_DAYS`. Street officers, community "
    "workers, social workers (their assigned households) and district officers send. A "
    "household that left the ledger (409 `household_exited`) or whose application was "
    "declined (409 `household_declined`) takes no referral. A need already referred to the "
    "organisation and still open is 409 `referral_already_open`: follow that referral.",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(
            *PERSONAL_READ, HouseholdExited, HouseholdDeclined, ReferralAlreadyOpen
        ),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def referrals_create(
    actor: Sender, response: Response, session: DbSession, body: ReferralIn
) -> ReferralOut:
    referral = await service.send(session, actor, body)
    response.headers["Location"] = f"{API_V1}{REFERRALS}/{referral.id}"
    return await _answer(session, actor, referral, response)


@router.post(
    "/partner/referrals",
    response_model=ReferralOut,
    status_code=201,
    summary="Push a referral in (partner systems; Idempotency-Key required)",
    description="A partner system refers a need of a household its organisation already "
    "knows through a referral (addressed to it or pushed in by it, any status) to another "
    "organisation: `receiver_organization_id`, else the one window (the default "
    "`street_assistance_station` of the household's region; 422 `no_default_receiver` when "
    "none is set). Any other household id, existing or not, is the same 422 `not_found` at "
    "`household_id`. The household's live need of `need_code` is referred, or a new one is "
    "noted. Not to your own organisation (422 `own_organization`), nor to one that does not "
    "serve the household's region (its region or one above it; 422 `receiver_not_serving`); "
    "an exited household it "
    "knows is 409 `household_exited`; a need of that code already referred to that "
    "organisation and still open is 409 `referral_already_open` (follow that referral). "
    "`Idempotency-Key` is required: a retry answers the "
    "first push (`Idempotent-Replayed: true`), also when retries race (409 "
    "`idempotency_in_progress` until the first ends). The referral's events reach your "
    "organisation's webhooks.",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(
            ValidationFailed, HouseholdExited, HouseholdDeclined, ReferralAlreadyOpen
        ),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.required),
)
async def partner_referrals_create(
    actor: Pusher, response: Response, session: DbSession, body: PartnerReferralIn
) -> ReferralOut:
    referral = await inbound.push(session, actor, body)
    response.headers["Location"] = f"{API_V1}{REFERRALS}/{referral.id}"
    return await _answer(session, actor, referral, response)


@router.get(
    REFERRALS,
    response_model=Page[ReferralSummary],
    summary="Referrals you may see, in sending order",
    description="Department officers and partner systems: the referrals addressed to their "
    "organisation or pushed in by it, closed ones too. Region staff and social workers: those of the households in their reach. "
    "Oldest first (ids are time-ordered). Filters: `status`, `receiver_organization_id`, "
    "`household_id`, `region` (a subtree), `overdue` (open past the due day). The read is "
    "audited. " + SOCIAL_WORKER_LISTS,
    responses=protected_problems(ValidationFailed, ConfidentialityAgreementRequired),
)
async def referrals_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    status: Annotated[
        ReferralStatus | None, Query(description="Only referrals in this state.")
    ] = None,
    receiver_organization_id: Annotated[
        uuid.UUID | None, Query(description="Only those addressed to this organisation.")
    ] = None,
    household_id: Annotated[
        uuid.UUID | None, Query(description="Only the referrals of this household.")
    ] = None,
    region: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="Only households of this region's subtree."),
    ] = None,
    overdue: Annotated[
        bool, Query(description="Only open referrals past their due day (due today is not).")
    ] = False,
) -> Page[ReferralSummary]:
    today = business_today()
    found, cursor = await repository.page(
        session,
        actor,
        page,
        status=None if status is None else status.value,
        receiver=receiver_organization_id,
        household_id=household_id,
        region=region,
        overdue_on=today if overdue else None,
        streets=await open_streets(session, actor),
    )
    audit_read(session, actor, "referral.list.read", region_code=region)
    return Page(items=await summaries(session, found, today), next_cursor=cursor)


@router.get(
    ONE,
    response_model=ReferralOut,
    summary="One referral and its whole story (ETag: its version; the read is audited)",
    description="Every change (who, when, why) and `allowed`: the actions its state allows "
    "that your side may take. 404 outside your reach (another organisation's referral too).",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def referrals_get(
    referral_id: ReferralId, actor: Reader, response: Response, session: ReadDbSession
) -> ReferralOut:
    return await _answer(
        session, actor, await service.visible(session, actor, referral_id), response
    )


_ACTIONS: dict[ReferralAction, tuple[str, str]] = {
    ReferralAction.receive: (
        "Acknowledge a referral (接收; the receiving organisation)",
        "From `requested`.",
    ),
    ReferralAction.accept: (
        "Accept a received referral (受理; the receiving organisation)",
        "From `received`: a referral is acknowledged before it is decided.",
    ),
    ReferralAction.reject: (
        "Reject a received referral with a reason (不予受理; the receiving organisation)",
        "From `received`. `reason`: a code of `referral_rejection_reason` (`at_capacity`, "
        "`not_in_remit`, `not_eligible`, ...); `note` says more.",
    ),
    ReferralAction.start: (
        "Start the work on an accepted referral (办理; the receiving organisation)",
        "From `accepted`.",
    ),
    ReferralAction.complete: (
        "Complete a referral with its outcome (办结; the receiving organisation)",
        "From `in_progress`. `outcome` (required): what was done; `measure`: what was given, "
        "a `measure` code, recorded in the household's ledger as the receiving "
        "organisation's measure answering the referral's need, given on `given_on` or today "
        "(`measure_id` in the answer); `amount`: the money given, in yuan, required for a "
        "measure of kind `cash` and refused for others; an `amount` without a `measure` "
        "records the money measure of the receiver's kind (422 `required_for_kind` at "
        "`measure` for a kind that gives none of its own). "
        "409 `household_exited` (`household_declined`) when the household left the ledger "
        "(its application was declined) meanwhile.",
    ),
    ReferralAction.fail: (
        "Close a referral that could not be carried out, with a reason (the receiving "
        "organisation)",
        "From `accepted` or `in_progress`. `reason`: a code of `referral_failure_reason` "
        "(`unable_to_contact`, `declined_by_household`, ...).",
    ),
    ReferralAction.cancel: (
        "Cancel a referral (撤回; the sending side)",
        "While open (`requested`, `received`, `accepted`, `in_progress`). Say why in `note`. "
        "Only its sending side: the user who sent it, or staff whose scope covers the region "
        "it was sent from (`sender_region_code`: that office or above it); others who see it "
        "get 403.",
    ),
}


def _action_route(
    action: ReferralAction, summary: str, description: str
) -> Callable[..., Awaitable[ReferralOut]]:
    dependency = actor_for(SIDE_ACTION[SIDE[action]])
    errors: list[type[AppError]] = [NotFound, ValidationFailed, PreconditionFailed]
    errors += [PreconditionRequired, InvalidTransition]
    if action is ReferralAction.complete:
        errors += [HouseholdExited, HouseholdDeclined]  # the measure it records

    async def take(
        referral_id: ReferralId,
        actor: Annotated[Actor, Depends(dependency)],
        response: Response,
        session: DbSession,
        body: ReferralActionIn,
        expected: ExpectedVersion,
    ) -> ReferralOut:
        referral = await service.act(session, actor, referral_id, action, body, expected)
        return await _answer(session, actor, referral, response)

    router.post(
        f"{ONE}/{action.value}",
        response_model=ReferralOut,
        name=f"referrals_{action.value}",
        summary=f"{summary} (If-Match)",
        description=f"{description} 404 outside your reach or when you are not on the "
        "action's side of it (a department officer or partner: a referral not addressed to its "
        "organisation; a partner cancels only the referrals it pushed in). 409 `invalid_transition` lists the actions the "
        "referral's state allows. `reason` is refused on actions that take none, `outcome`, "
        "`measure`, `amount` and `given_on` on all but `complete`. The need the referral answers follows "
        "its referrals: `being_met` while one is accepted or in progress (or one completed "
        "and another is still open), `open` again when none is, `met` once all are closed "
        "and one was completed; an exit or a decline cancels referrals without moving needs.",
        responses={**sends(200, ETAG), **protected_problems(*errors)},
    )(take)
    return take


for _action, (_summary, _description) in _ACTIONS.items():
    _action_route(_action, _summary, _description)


@router.get(
    "/worklists/referrals",
    response_model=Page[ReferralSummary],
    summary="Overdue referrals of your reach: still open after their due day",
    description="For the sending side and the district (DOMAIN 7): open referrals (requested, "
    "received, accepted, in progress) of the households in your reach whose due day has "
    "passed; due today is not overdue yet. Order: by due day, then id (the longest overdue "
    "first). `region` narrows to a subtree within your reach. " + SOCIAL_WORKER_LISTS,
    responses=protected_problems(ValidationFailed, ConfidentialityAgreementRequired),
)
async def worklists_referrals(
    actor: WorklistReader,
    session: ReadDbSession,
    page: PageParams,
    region: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Only this region's subtree.")
    ] = None,
) -> Page[ReferralSummary]:
    today = business_today()
    found, cursor = await repository.overdue_page(
        session, actor, page, today=today, region=region, streets=await open_streets(session, actor)
    )
    audit_read(session, actor, "referral.worklist.read", region_code=region)
    return Page(items=await summaries(session, found, today), next_cursor=cursor)
