"""Referrals (转介, DOMAIN 7; Yubei 3(3), 3(5); Beijing 4(1)): a need of a household sent to
an organisation that can meet it, followed until the loop is closed.

Sending: staff of the sending side send a live need instance of a household in their reach
to one organisation (`send`); accepting an application pushes (推送) each of its needs to
the default organisation of every kind the routing table names (`push`). The due day is
counted in working days from the sending day, by the rule of the need and the receiver's
kind, or `referral_due_working_days` when no rule names one.

Actions (`states.MACHINE`): the receiving organisation's officers receive, accept, reject
(a `referral_rejection_reason`), start, complete (with the outcome, the measure given,
recorded in the household's ledger, and the money given) and fail (a
`referral_failure_reason`); the sending side cancels. After each, the need the referral
answers follows the states of all its referrals (`states.need_status`). Each is kept as a
transition (who, when, why), audited, and announced by `referral.status_changed`; a new
referral by `referral.created` (thin payloads: ids, status, version, region, and the
organisations concerned, to whom webhooks deliver them).
"""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

import structlog

from app.confidentiality.public import check_social_worker
from app.core import audit, events
from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import object_named
from app.core.permissions import Action, is_allowed
from app.dictionaries.public import unknown_codes
from app.households import public as households
from app.referrals import completion, repository
from app.referrals.errors import ReferralAlreadyOpen
from app.referrals.models import Referral, ReferralTransition
from app.referrals.routing import service as routing
from app.referrals.schemas import ReferralActionIn, ReferralIn
from app.referrals.sending_side import check_sending_side
from app.referrals.states import (
    FINAL,
    MACHINE,
    REASONS,
    SIDE,
    ReferralAction,
    ReferralStatus,
    Side,
    need_status,
)
from app.referrals.views import side_of
from app.workdays.public import add_working_days

COMPLETION_FIELDS = ("outcome", "measure", "amount", "given_on")
"""What only `complete` takes."""
OBJECT = "referral"
CREATED = "referral.created"
STATUS_CHANGED = "referral.status_changed"
MANUAL = "manual"
APPLICATION = "application"

log = structlog.get_logger(__name__)


def payload(referral: Referral) -> dict[str, Any]:
    """The thin payload of a referral's events: ids, status, version, region, and the
    organisations it concerns (the receiver, and a partner that pushed it in)."""
    organizations = [str(referral.receiver_organization_id)]
    if referral.sender_organization_id is not None:
        organizations.append(str(referral.sender_organization_id))
    return {
        "referral_id": str(referral.id),
        "household_id": str(referral.household_id),
        "status": referral.status,
        "version": referral.version,
        "region_code": referral.region_code,
        "organizations": organizations,
    }


async def _recorded(
    session: WriteSession,
    actor: Actor,
    referral: Referral,
    action: str,
    event: str,
    changed: list[str],
) -> None:
    await session.flush()
    await audit.record(
        session,
        actor.context,
        f"referral.{action}",
        object_type=OBJECT,
        object_id=str(referral.id),
        region_code=referral.region_code,
        changed_fields=changed,
    )
    events.publish(session, event, payload(referral))


async def create(
    session: WriteSession,
    actor: Actor,
    household: households.HouseholdRef,
    need: households.NeedInstance,
    receiver: uuid.UUID,
    due_days: int,
    *,
    source: str,
    sent_on: date,
    application_id: uuid.UUID | None = None,
    note: str | None = None,
    sender_organization: uuid.UUID | None = None,
) -> Referral:
    """A new referral of `need` to `receiver` (`requested`), its first transition, audit and
    `referral.created`; `sender_organization`: the partner that pushed it in."""
    due = await add_working_days(session, sent_on, due_days)
    principal = actor.principal
    referral = Referral(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        status=ReferralStatus.requested.value,
        need_id=need.id,
        need_code=need.code,
        source=source,
        application_id=application_id,
        sent_by=None if principal.is_client else principal.id,
        sender_region_code=principal.scope_region,
        sender_organization_id=sender_organization,
        receiver_organization_id=receiver,
        sent_on=sent_on,
        due_working_days=due_days,
        due_on=due.day,
        provisional=due.provisional,
        note=note,
    )
    session.add(referral)
    await session.flush()
    session.add(
        ReferralTransition(
            referral_id=referral.id,
            action="send",
            from_status=None,
            to_status=referral.status,
            actor=actor.context.actor or "cli",
        )
    )
    await _recorded(session, actor, referral, "create", CREATED, ["status"])
    return referral


async def due_days(session: WriteSession, actor: Actor, need_code: str, kind: str) -> int:
    found = await routing.due_days_for(session, need_code, kind)
    return found if found is not None else actor.services.settings.referral_due_working_days


async def send(session: WriteSession, actor: Actor, data: ReferralIn) -> Referral:
    """Send a live need of a household in the actor's reach to one organisation (DOMAIN 7).
    The need and the organisation are fields of the body: one not found, or a need outside
    the actor's reach, is 422 `not_found`; a need met or withdrawn 422 `need_not_live`; an
    exited household 409 `household_exited`; a need already referred to the organisation
    and still open 409 `referral_already_open`."""
    need = await households.need_instance(session, data.need_id)
    missing = ValidationFailed.in_body("need_id", "not_found", **object_named("需求", "need"))
    if need is None:
        raise missing
    try:
        household = await households.writable(session, actor, need.household_id)
    except NotFound:
        raise missing from None
    households.require_active(household)
    if need.status not in households.LIVE_NEEDS:
        raise ValidationFailed.in_body("need_id", "need_not_live")
    kind = await routing.check_receiver(
        session, data.receiver_organization_id, "receiver_organization_id"
    )
    # With the household locked (`writable`): no twin of an open referral, whoever sent it.
    open_pairs = await repository.open_need_receivers(session, household.id)
    if (need.code, data.receiver_organization_id) in open_pairs:
        raise ReferralAlreadyOpen()
    return await create(
        session,
        actor,
        household,
        need,
        data.receiver_organization_id,
        await due_days(session, actor, need.code, kind),
        source=MANUAL,
        sent_on=actor.today,
        note=data.note,
    )


async def push(
    session: WriteSession,
    actor: Actor,
    household: households.HouseholdRef,
    application_id: uuid.UUID,
    sent_on: date,
) -> list[Referral]:
    """推送 (Yubei 3(5)): the live needs an accepted application noted go, each, to the
    default organisation of every kind the routing table names for it in the household's
    region, in the acceptance's transaction. Idempotent: a need already pushed to an
    organisation is not pushed there again (and a unique index guards it); nor is one the
    household has an open referral of to that organisation, sent by hand or pushed for
    another application (no twin for the receiver). A kind with no
    default organisation on the household's region path is logged and left: the
    application's view lists the needs no referral answers (`unrouted_needs`)."""
    needs = [
        n
        for n in await households.need_instances(
            session, household.id, source=APPLICATION, source_id=application_id
        )
        if n.status in households.LIVE_NEEDS
    ]
    if not needs:
        return []
    destinations = await routing.destinations(
        session, [n.code for n in needs], household.region_code
    )
    pushed = await repository.pushed_pairs(session, [n.id for n in needs])
    already_open = await repository.open_need_receivers(session, household.id)
    created: list[Referral] = []
    for need in needs:
        for found in (d for d in destinations if d.need_code == need.code):
            if found.organization_id is None:
                log.warning(
                    "referral_unrouted",
                    application_id=str(application_id),
                    need_code=need.code,
                    organization_kind=found.organization_kind,
                    region_code=household.region_code,
                )
                continue
            if (need.id, found.organization_id) in pushed:
                continue
            if (need.code, found.organization_id) in already_open:
                continue
            pushed.add((need.id, found.organization_id))
            created.append(
                await create(
                    session,
                    actor,
                    household,
                    need,
                    found.organization_id,
                    found.due_working_days,
                    source=APPLICATION,
                    sent_on=sent_on,
                    application_id=application_id,
                )
            )
    return created


async def visible(session: ReadSession, actor: Actor, referral_id: uuid.UUID) -> Referral:
    """The referral if the actor may see it; 404 otherwise (a refusal when it exists). A
    social worker without a valid confidentiality agreement for the household's street is
    refused (403): a referral's notes tell of the household (Beijing 7)."""
    found = await repository.get_visible(session, actor, referral_id)
    if found is None:
        error = NotFound("转介", "referral")
        if await repository.exists_anywhere(session, referral_id):
            raise error.refusing(
                action="referral.read", object_type=OBJECT, object_id=str(referral_id)
            )
        raise error
    await check_social_worker(session, actor.principal, found.region_code[:9], actor.today)
    return found


async def _check_body(session: ReadSession, action: ReferralAction, data: ReferralActionIn) -> None:
    table = REASONS.get(action)
    if table is None and data.reason is not None:
        raise ValidationFailed.in_body("reason", "not_allowed")
    if table is not None:
        if data.reason is None:
            raise ValidationFailed.in_body("reason", "missing")
        if await unknown_codes(session, table, [data.reason]):
            raise ValidationFailed.in_body("reason", "unknown_code")
    if action is not ReferralAction.complete:
        for name in COMPLETION_FIELDS:
            if getattr(data, name) is not None:
                raise ValidationFailed.in_body(name, "not_allowed")
    elif data.outcome is None:
        raise ValidationFailed.in_body("outcome", "missing")


def _check_side(actor: Actor, referral: Referral, action: ReferralAction) -> None:
    """Refused unless the actor takes the action's side on this referral (`views.side_of`).
    An organisation works the referrals addressed to it and cancels only those it pushed in
    (404 for any other). Staff who see the referral in their reach but are not its sending
    side are refused its sender's actions (403, `sending_side`: it is theirs to read)."""
    if side_of(actor, referral) is SIDE[action]:
        return
    if SIDE[action] is Side.sender and not is_allowed(
        actor.principal.role, Action.referrals_handle
    ):
        check_sending_side(actor, referral, action.value)
    raise NotFound("转介", "referral").refusing(
        action=f"referral.{action.value}", object_type=OBJECT, object_id=str(referral.id)
    )


async def act(
    session: WriteSession,
    actor: Actor,
    referral_id: uuid.UUID,
    action: ReferralAction,
    data: ReferralActionIn,
    expected_version: int,
) -> Referral:
    """Take one action on a referral (see the module). The route admits only the action's
    side (`states.SIDE`); the referral must be visible (404) and the actor on that side of it
    (`_check_side`: 404 for an organisation, 403 for staff), unchanged since read (412), and
    its state must allow the action (409 `invalid_transition` with `allowed`)."""
    found = await visible(session, actor, referral_id)
    # The household first, then the referral: the order the exit and the partner push lock
    # them in, so an action racing them cannot deadlock; and actions on two referrals of one
    # need take turns, so each derives the need from the other's committed state.
    await households.writable_for_organization(session, found.household_id)
    referral = await repository.locked(session, found.id)
    _check_side(actor, referral, action)
    check_version(expected_version, referral.version)
    MACHINE.next(ReferralStatus(referral.status), action)
    await _check_body(session, action, data)
    changed = ["status"]
    if action in REASONS:
        referral.reason, referral.reason_note = data.reason, data.note
        changed += ["reason", "reason_note"]
    if action is ReferralAction.complete:
        measure = await completion.measure_of(session, referral, data, actor.today)
        await completion.record(session, actor, referral, data, measure)
        changed += ["outcome", "measure", "amount", "measure_id"]
    await _move(session, actor, referral, action, changed, reason=data.reason, note=data.note)
    await _settle_need(session, actor, referral)
    return referral


async def _move(
    session: WriteSession,
    actor: Actor,
    referral: Referral,
    action: ReferralAction,
    changed: list[str],
    *,
    reason: str | None = None,
    note: str | None = None,
) -> None:
    """Move the referral by `action`, keep the step (who, when, why), audit and announce it."""
    before = ReferralStatus(referral.status)
    after = MACHINE.next(before, action)
    if after in FINAL:
        referral.closed_at = utcnow()
    referral.status = after.value
    referral.version += 1
    session.add(
        ReferralTransition(
            referral_id=referral.id,
            action=action.value,
            from_status=before.value,
            to_status=after.value,
            actor=actor.context.actor or "cli",
            reason=reason,
            note=note,
        )
    )
    await _recorded(session, actor, referral, action.value, STATUS_CHANGED, changed)


async def _settle_need(session: WriteSession, actor: Actor, referral: Referral) -> None:
    """The need the referral answers follows all its referrals (`states.need_status`), read
    while the household is locked (each caller locked it before the referral)."""
    statuses = await repository.statuses_of_need(session, referral.need_id)
    status = need_status([ReferralStatus(s) for s in statuses])
    await households.settle_need(session, actor, referral.household_id, referral.need_id, status)


NOTES = {
    households.Leaving.exited: "户已退出台账，转介随之撤销",
    households.Leaving.declined: "申请未获受理或已撤回，转介随之撤销",
}
"""The note of a referral cancelled because its household left: exited, or declined."""


async def cancel_when_left(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, how: households.Leaving
) -> None:
    """The household left the ledger (退出) or its application was declined: its open
    referrals are cancelled in that change's transaction, by the actor making it, each kept,
    audited and announced as any cancellation, so no organisation goes on working for it or
    reaching its record. The needs stay as they stand: the household left, no organisation
    stopped without helping."""
    for referral in await repository.open_of_household(session, household_id):
        await _move(session, actor, referral, ReferralAction.cancel, ["status"], note=NOTES[how])


async def of_application(session: ReadSession, application_id: uuid.UUID) -> Sequence[Referral]:
    """The referrals an application's acceptance pushed, in sending order."""
    return await repository.of_application(session, application_id)
