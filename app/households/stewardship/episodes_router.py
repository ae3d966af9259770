"""Leaving and re-entering the ledger: exit proposals, their decision, re-entry, episodes."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Response

from app.core.auth import Actor, actor_for
from app.core.etag import etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import Idempotency, api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.households.http import (
    HOUSEHOLD,
    HOUSEHOLDS,
    PERSONAL_READ,
    HouseholdId,
    LedgerReader,
    answer_household_version,
    household_written,
)
from app.households.models import HouseholdEpisode, HouseholdExitProposal
from app.households.record.schemas import HouseholdOut
from app.households.record.views import household_out
from app.households.stewardship import episodes
from app.households.stewardship.episode_schemas import (
    EpisodeOut,
    ExitBasisOut,
    ExitProposalIn,
    ExitProposalOut,
    ExitRejectionIn,
    ReentryIn,
)

router = api_router(prefix=HOUSEHOLDS + HOUSEHOLD, tags=["ledger"])
Proposer = Annotated[Actor, Depends(actor_for(Action.households_exit))]
Street = Annotated[Actor, Depends(actor_for(Action.households_exit_decide))]
ProposalId = Annotated[uuid.UUID, Path(description="Exit proposal id.")]


def _basis(proposal: HouseholdExitProposal) -> ExitBasisOut:
    return ExitBasisOut(code=proposal.basis, on=proposal.basis_on, note=proposal.basis_note)


def _proposal_out(proposal: HouseholdExitProposal) -> ExitProposalOut:
    return ExitProposalOut(
        id=proposal.id,
        household_id=proposal.household_id,
        status=proposal.status,
        reason=proposal.reason,
        exit_on=proposal.exit_on,
        note=proposal.note,
        basis=_basis(proposal),
        proposed_by=proposal.proposed_by,
        proposed_at=proposal.proposed_at,
        decided_by=proposal.decided_by,
        decided_at=proposal.decided_at,
        rejection_reason=proposal.rejection_reason,
    )


def _episode_out(episode: HouseholdEpisode, proposal: HouseholdExitProposal | None) -> EpisodeOut:
    return EpisodeOut(
        id=episode.id,
        household_id=episode.household_id,
        entered_on=episode.entered_on,
        entry_reason=episode.entry_reason,
        entry_note=episode.entry_note,
        entered_by=episode.entered_by,
        exited_on=episode.exited_on,
        exit_reason=episode.exit_reason,
        exit_note=episode.exit_note,
        exit_proposal_id=episode.exit_proposal_id,
        exit_basis=_basis(proposal) if proposal is not None else None,
        proposed_by=proposal.proposed_by if proposal is not None else None,
        confirmed_by=proposal.decided_by if proposal is not None else None,
    )


@router.get(
    "/episodes",
    response_model=Page[EpisodeOut],
    summary="The household's stays in the ledger, newest first (Beijing 5)",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_episodes_list(
    household_id: HouseholdId, actor: LedgerReader, session: ReadDbSession, page: PageParams
) -> Page[EpisodeOut]:
    items, cursor = await episodes.episodes_page(session, actor, household_id, page)
    return Page(items=[_episode_out(e, p) for e, p in items], next_cursor=cursor)


@router.get(
    "/exit-proposals",
    response_model=Page[ExitProposalOut],
    summary="The household's exit proposals, newest first",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_exit_proposals_list(
    household_id: HouseholdId, actor: LedgerReader, session: ReadDbSession, page: PageParams
) -> Page[ExitProposalOut]:
    items, cursor = await episodes.proposals_page(session, actor, household_id, page)
    return Page(items=[_proposal_out(p) for p in items], next_cursor=cursor)


@router.post(
    "/exit-proposals",
    response_model=ExitProposalOut,
    status_code=201,
    summary="Propose that the household leave the ledger, on a follow-up visit or re-check",
    responses={
        **household_written(201, LOCATION),
        **protected_problems(*PERSONAL_READ, InvalidTransition),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def household_exit_proposals_create(
    household_id: HouseholdId,
    actor: Proposer,
    response: Response,
    session: DbSession,
    body: ExitProposalIn,
) -> ExitProposalOut:
    proposal = await episodes.propose(session, actor, household_id, body)
    response.headers["Location"] = f"/api/v1/households/{household_id}/exit-proposals/{proposal.id}"
    answer_household_version(response, session, household_id)
    return _proposal_out(proposal)


@router.post(
    "/exit-proposals/{proposal_id:uuid}/confirm",
    response_model=HouseholdOut,
    summary="The street confirms the exit: the stay, assignment and pairing end",
    responses={
        **household_written(200, ETAG),
        **protected_problems(*PERSONAL_READ, InvalidTransition),
    },
)
async def household_exit_proposals_confirm(
    household_id: HouseholdId,
    proposal_id: ProposalId,
    actor: Street,
    response: Response,
    session: DbSession,
) -> HouseholdOut:
    household = await episodes.confirm(session, actor, household_id, proposal_id)
    response.headers["ETag"] = etag_for_version(household.version)
    answer_household_version(response, session, household.id, household.version)
    return await household_out(session, actor, household)


@router.post(
    "/exit-proposals/{proposal_id:uuid}/reject",
    response_model=ExitProposalOut,
    summary="The street rejects the exit with a reason; the household stays",
    responses={**household_written(200), **protected_problems(*PERSONAL_READ, InvalidTransition)},
)
async def household_exit_proposals_reject(
    household_id: HouseholdId,
    proposal_id: ProposalId,
    actor: Street,
    response: Response,
    session: DbSession,
    body: ExitRejectionIn,
) -> ExitProposalOut:
    proposal = await episodes.reject(session, actor, household_id, proposal_id, body.reason)
    answer_household_version(response, session, household_id)
    return _proposal_out(proposal)


@router.post(
    "/reentry",
    response_model=HouseholdOut,
    summary="The street re-enters an exited household with a reason code (Beijing 5)",
    responses={
        **household_written(200, ETAG),
        **protected_problems(*PERSONAL_READ, InvalidTransition),
    },
)
async def households_reenter(
    household_id: HouseholdId,
    actor: Street,
    response: Response,
    session: DbSession,
    body: ReentryIn,
) -> HouseholdOut:
    household = await episodes.reenter(session, actor, household_id, body)
    response.headers["ETag"] = etag_for_version(household.version)
    answer_household_version(response, session, household.id, household.version)
    return await household_out(session, actor, household)
