"""Leaving and re-entering the ledger (Beijing 5, 有进有出): proposals, episodes, history.

A community worker or street officer proposes an exit resting on a follow-up
visit or a re-check; the street officer confirms or rejects it. Confirming
closes the household's open episode, ends its assignment and pairing, and sets
its status, in one transaction. A street officer re-enters an exited household
with a reason code, opening a new episode. Every stay is a row
(`household_episodes`), not only a history entry.
"""

import uuid
from collections.abc import Mapping
from datetime import date

from app.core.auth import Actor
from app.core.clock import SHANGHAI
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.pagination import PageRequest
from app.core.transitions import InvalidTransition
from app.dictionaries.public import unknown_codes
from app.households import access, changes, history
from app.households.changes import Change
from app.households.events import Event
from app.households.leaving import Leaving, household_left
from app.households.models import (
    Household,
    HouseholdEpisode,
    HouseholdExitProposal,
)
from app.households.stewardship import assignments, repository
from app.households.stewardship.episode_schemas import ExitProposalIn, ReentryIn

ALLOWED = {
    "active": ["propose_exit"],
    "exit_proposed": ["confirm_exit", "reject_exit"],
    "exited": ["reenter"],
    "pending": [],
    "declined": [],
}
"""What each state of a household's stay allows (409 `invalid_transition` lists them)."""
PROPOSAL_ALLOWED = {"proposed": ["confirm", "reject"], "confirmed": [], "rejected": []}
FIRST_ENTRY = "first_registration"
_EXIT_FIELDS = ("status", "exit_reason", "exit_note", "exited_on")


def _by(actor: Actor) -> uuid.UUID | None:
    return None if actor.principal.is_client else actor.principal.id


async def _state(session: ReadSession, household: Household) -> str:
    if household.status in ("exited", "pending", "declined"):
        # An applicant (`pending`) has no stay to leave until accepted; a declined one never
        # entered (DOMAIN 6).
        return str(household.status)
    pending = await repository.pending_proposal(session, household.id)
    return "exit_proposed" if pending is not None else "active"


async def _check_code(session: ReadSession, table: str, code: str, loc: list[str | int]) -> None:
    if await unknown_codes(session, table, [code]):
        raise ValidationFailed.at(loc, "unknown_code")


def _not_future(day: date, actor: Actor, loc: list[str | int]) -> None:
    if day > actor.today:
        raise ValidationFailed.at(loc, "date_in_future")


async def propose(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: ExitProposalIn
) -> HouseholdExitProposal:
    """Propose that the household leave the ledger, on a follow-up visit or re-check."""
    household = await access.writable(session, actor, household_id)
    state = await _state(session, household)
    if state != "active":
        raise InvalidTransition(state, ALLOWED[state])
    await _check_code(session, "exit_reason", data.reason, ["body", "reason"])
    exit_on = data.exit_on or actor.today
    _not_future(exit_on, actor, ["body", "exit_on"])
    _not_future(data.basis.on, actor, ["body", "basis", "on"])
    episode = await repository.open_episode(session, household.id)
    if episode is not None and exit_on < episode.entered_on:
        raise ValidationFailed.at(
            ["body", "exit_on"], "too_early", earliest=episode.entered_on.isoformat()
        )
    proposal = HouseholdExitProposal(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        status="proposed",
        reason=data.reason,
        exit_on=exit_on,
        note=data.note,
        basis=data.basis.code,
        basis_on=data.basis.on,
        basis_note=data.basis.note,
        proposed_by=_by(actor),
    )
    session.add(proposal)
    await session.flush()
    shown = {"id": proposal.id, "reason": data.reason, "exit_on": exit_on, "basis": data.basis.code}
    await changes.record(
        session,
        actor,
        household,
        Change(
            "household.exit_propose",
            Event.changed,
            history.diff({}, {"exit_proposal": shown}),
            audit_object=("household_exit_proposal", proposal.id),
            audit_fields=sorted(data.model_fields_set),
        ),
    )
    return proposal


async def _pending(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, proposal_id: uuid.UUID
) -> tuple[Household, HouseholdExitProposal]:
    household = await access.writable(session, actor, household_id)
    proposal = await repository.proposal(session, household.id, proposal_id)
    if proposal is None:
        raise NotFound("退出申请", "exit proposal")
    if proposal.status != "proposed":
        raise InvalidTransition(proposal.status, PROPOSAL_ALLOWED[proposal.status])
    return household, proposal


async def confirm(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, proposal_id: uuid.UUID
) -> Household:
    """The street confirms the exit: the stay ends, and so do the assignment and pairing."""
    household, proposal = await _pending(session, actor, household_id, proposal_id)
    proposal.status = "confirmed"
    proposal.decided_by = _by(actor)
    proposal.decided_at = utcnow()
    before = {name: getattr(household, name) for name in _EXIT_FIELDS}
    household.status = "exited"
    household.exit_reason = proposal.reason
    household.exit_note = proposal.note
    household.exited_on = proposal.exit_on
    episode = await repository.open_episode(session, household.id)
    if episode is None:  # a household has one open stay from its creation on; kept safe anyway
        entered = household.created_at.astimezone(SHANGHAI).date()
        episode = _episode(household, entered, FIRST_ENTRY, None, None)
        session.add(episode)
    episode.exited_on = proposal.exit_on
    episode.exit_reason = proposal.reason
    episode.exit_note = proposal.note
    episode.exit_proposal_id = proposal.id
    await session.flush()
    await assignments.release(session, actor, household)
    extra = {"exit_proposal_id": proposal.id, "exit_basis": proposal.basis}
    await _record(session, actor, household, "household.exit", Event.exited, before, extra)
    await household_left(session, actor, household.id, Leaving.exited)
    return household


async def reject(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    proposal_id: uuid.UUID,
    reason: str,
) -> HouseholdExitProposal:
    """The street refuses the exit with a reason; the household stays in the ledger."""
    household, proposal = await _pending(session, actor, household_id, proposal_id)
    proposal.status = "rejected"
    proposal.decided_by = _by(actor)
    proposal.decided_at = utcnow()
    proposal.rejection_reason = reason
    await session.flush()
    diff = {
        "exit_proposal": {"before": "proposed", "after": "rejected"},
        "reason": {"before": None, "after": reason},
    }
    await changes.record(
        session,
        actor,
        household,
        Change(
            "household.exit_reject",
            Event.changed,
            diff,
            audit_object=("household_exit_proposal", proposal.id),
            audit_fields=["status", "rejection_reason"],
        ),
    )
    return proposal


def _episode(
    household: Household, day: date, reason: str, note: str | None, by: uuid.UUID | None
) -> HouseholdEpisode:
    return HouseholdEpisode(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        entered_on=day,
        entry_reason=reason,
        entry_note=note,
        entered_by=by,
    )


async def reenter(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: ReentryIn
) -> Household:
    """An exited household comes back (Beijing 5): a new stay opens with its reason."""
    household = await access.writable(session, actor, household_id)
    state = await _state(session, household)
    if state != "exited":
        raise InvalidTransition(state, ALLOWED[state])
    await _check_code(session, "entry_reason", data.reason, ["body", "reason"])
    if data.reason == FIRST_ENTRY:
        raise ValidationFailed.at(["body", "reason"], "not_allowed")
    day = data.entered_on or actor.today
    _not_future(day, actor, ["body", "entered_on"])
    if household.exited_on is not None and day < household.exited_on:
        raise ValidationFailed.at(
            ["body", "entered_on"], "too_early", earliest=household.exited_on.isoformat()
        )
    before = {name: getattr(household, name) for name in _EXIT_FIELDS}
    household.status = "active"
    household.exit_reason = None
    household.exit_note = None
    household.exited_on = None
    session.add(_episode(household, day, data.reason, data.note, _by(actor)))
    await session.flush()
    extra = {"entry_reason": data.reason, "entered_on": day, "note": data.note}
    await _record(session, actor, household, "household.reenter", Event.reentered, before, extra)
    return household


async def _record(
    session: WriteSession,
    actor: Actor,
    household: Household,
    action: str,
    event: Event,
    before: Mapping[str, object],
    extra: Mapping[str, object],
) -> None:
    diff = history.diff(before, {name: getattr(household, name) for name in before})
    diff.update(history.diff({}, {k: v for k, v in extra.items() if v is not None}))
    await changes.record(
        session, actor, household, Change(action, event, diff, audit_fields=sorted(before))
    )


async def episodes_page(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, request: PageRequest
) -> tuple[list[tuple[HouseholdEpisode, HouseholdExitProposal | None]], str | None]:
    """The household's stays, newest first, each with the proposal that ended it; audited."""
    household = await access.personal(session, actor, household_id)
    access.audit_read(session, actor, "household.episodes.read", household)
    found, cursor = await repository.episodes_page(session, household.id, request)
    proposals = {
        p.id: p
        for p in await repository.proposals_by_id(
            session, [e.exit_proposal_id for e in found if e.exit_proposal_id is not None]
        )
    }
    return [
        (e, proposals.get(e.exit_proposal_id) if e.exit_proposal_id else None) for e in found
    ], cursor


async def proposals_page(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, request: PageRequest
) -> tuple[list[HouseholdExitProposal], str | None]:
    """The household's exit proposals, newest first; the read is audited."""
    household = await access.personal(session, actor, household_id)
    access.audit_read(session, actor, "household.exit_proposals.read", household)
    return await repository.proposals_page(session, household.id, request)
