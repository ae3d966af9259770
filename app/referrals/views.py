"""Referrals as each reader may see them: actors and organisations named, free text masked
for roles that see masked data."""

import uuid
from collections.abc import Sequence
from datetime import date

from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.masking import PersonalField, shown
from app.core.permissions import Action, is_allowed
from app.identity.public import ActorKey, actor_refs
from app.organizations.public import organization_names
from app.referrals import repository
from app.referrals.minimum_data import household_data
from app.referrals.models import Referral
from app.referrals.schemas import ReferralBrief, ReferralOut, ReferralSummary, ReferralTransitionOut
from app.referrals.sending_side import is_sending_side
from app.referrals.states import OPEN, ReferralStatus, Side, allowed_for


def is_overdue(referral: Referral, today: date) -> bool:
    """Still open after its due day: due today is not overdue, due yesterday is."""
    return ReferralStatus(referral.status) in OPEN and referral.due_on < today


def side_of(actor: Actor, referral: Referral) -> Side | None:
    """The side the actor takes on this referral: the receiving organisation's officers and
    partner systems; a partner that pushed it in; or its sending side's staff
    (`sending_side`: who sent it, or staff above the office it was sent from); None for a
    reader only."""
    principal = actor.principal
    if is_allowed(principal.role, Action.referrals_handle):
        organization = principal.organization_id
        if organization is not None and organization == referral.receiver_organization_id:
            return Side.receiver
        pushed = organization is not None and organization == referral.sender_organization_id
        cancels = pushed and is_allowed(principal.role, Action.referrals_cancel)
        return Side.sender if cancels else None
    sending = is_allowed(principal.role, Action.referrals_cancel) and is_sending_side(
        actor, referral
    )
    return Side.sender if sending else None


def _summary(referral: Referral, names: dict[uuid.UUID, str], today: date) -> ReferralSummary:
    return ReferralSummary(
        id=referral.id,
        version=referral.version,
        status=ReferralStatus(referral.status),
        household_id=referral.household_id,
        region_code=referral.region_code,
        need_id=referral.need_id,
        need_code=referral.need_code,
        source=referral.source,
        application_id=referral.application_id,
        receiver_organization_id=referral.receiver_organization_id,
        receiver_organization_name=names.get(referral.receiver_organization_id, ""),
        sender_organization_id=referral.sender_organization_id,
        sent_on=referral.sent_on,
        due_on=referral.due_on,
        overdue=is_overdue(referral, today),
    )


async def summaries(
    session: ReadSession, referrals: Sequence[Referral], today: date
) -> list[ReferralSummary]:
    names = await organization_names(
        session, sorted({r.receiver_organization_id for r in referrals})
    )
    return [_summary(r, names, today) for r in referrals]


async def briefs(
    session: ReadSession, referrals: Sequence[Referral], today: date
) -> list[ReferralBrief]:
    return [
        ReferralBrief(
            id=s.id,
            need_id=s.need_id,
            need_code=s.need_code,
            receiver_organization_id=s.receiver_organization_id,
            receiver_organization_name=s.receiver_organization_name,
            status=s.status,
            due_on=s.due_on,
            overdue=s.overdue,
        )
        for s in await summaries(session, referrals, today)
    ]


async def referral_out(session: ReadSession, actor: Actor, referral: Referral) -> ReferralOut:
    """The referral with every change and the actions the caller may take now."""
    steps = await repository.transitions(session, referral.id)
    keys: list[ActorKey] = [referral.sent_by] + [s.actor for s in steps]
    refs = await actor_refs(session, keys)
    names = await organization_names(session, [referral.receiver_organization_id])
    viewer = actor.viewer
    summary = _summary(referral, names, actor.today)
    return ReferralOut(
        **summary.model_dump(),
        allowed=allowed_for(ReferralStatus(referral.status), side_of(actor, referral)),
        sent_by=None if referral.sent_by is None else refs[referral.sent_by],
        sender_region_code=referral.sender_region_code,
        due_working_days=referral.due_working_days,
        provisional=referral.provisional,
        note=shown(referral.note, PersonalField.text, viewer),
        reason=referral.reason,
        reason_note=shown(referral.reason_note, PersonalField.text, viewer),
        outcome=shown(referral.outcome, PersonalField.text, viewer),
        amount=referral.amount,
        measure=referral.measure,
        measure_id=referral.measure_id,
        household_data=await household_data(session, actor, referral),
        transitions=[
            ReferralTransitionOut(
                action=s.action,
                from_status=None if s.from_status is None else ReferralStatus(s.from_status),
                to_status=ReferralStatus(s.to_status),
                by=refs[s.actor],
                at=s.at,
                reason=s.reason,
                note=shown(s.note, PersonalField.text, viewer),
            )
            for s in steps
        ],
    )
