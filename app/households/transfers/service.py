"""Transfer requests between streets (DOMAIN 4: 人随户走、户随人走; transfers cross streets).

A street that finds a person active in another street's household files a
request by ID number into a household of its own; the sending street accepts
(the person moves at once, `members.transfer.move`) or refuses it with a
reason; the district decides it either way while it is pending, and sees it
on its worklist once the sending street's working days have run out; the
requesting side may cancel it while it is pending. Every action is audited
and publishes a `transfer_request.*` event (ids and region codes only).
"""

import uuid
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError

from app.core import audit, events
from app.core.auth import Actor, Forbidden
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.id_numbers import InvalidIdNumber, parse_id_number
from app.dictionaries.public import unknown_codes
from app.households import access
from app.households import repository as households
from app.households.errors import PersonInAnotherHousehold
from app.households.members import repository as persons
from app.households.members import transfer
from app.households.transfers import repository
from app.households.transfers.errors import (
    PersonNotInLedger,
    TransferRequestPending,
    TransferTargetNotActive,
)
from app.households.transfers.models import TransferRequest
from app.households.transfers.schemas import AcceptIn, DecideIn, RefuseIn, TransferRequestIn
from app.households.transfers.states import (
    TransferOutcome,
    TransferStatus,
    TransferStep,
    next_status,
)
from app.workdays.public import add_working_days

OBJECT = "transfer_request"


async def file(session: WriteSession, actor: Actor, data: TransferRequestIn) -> uuid.UUID:
    """File a request for the person of `data.id_number` to move into a household of the
    actor's reach (DOMAIN 4). The lookup is audited by the number's blind index (the
    router has spent a lookup of the actor's budget). A person in the actor's own reach is
    moved directly (409 `person_already_in_household`, naming the household); one in no
    household is simply added (409 `person_not_in_ledger`); one with a pending request
    waits for it (409). The requester learns nothing of the sending household."""
    try:
        id_number = parse_id_number(data.id_number, today=actor.today).value
    except InvalidIdNumber as exc:
        access.audit_id_number(session, actor, "transfer_request.lookup", None)
        raise ValidationFailed.at(["body", "id_number"], exc.code) from None
    index = actor.services.vault.index(id_number)
    access.audit_id_number(session, actor, "transfer_request.lookup", index)
    target = await access.writable(session, actor, data.to_household_id)
    access.require_active(target)
    if data.relation_to_head == "self" and target.head_person_id is not None:
        raise ValidationFailed.at(["body", "relation_to_head"], "head_exists")
    membership = await persons.active_membership_by_index(session, index)
    if membership is None:
        raise PersonNotInLedger()
    own = await households.get_visible(session, actor.reach, membership.household_id)
    if own is not None:
        raise PersonInAnotherHousehold(own.id, own.region_code)
    if await repository.pending_for(session, membership.person_id):
        raise TransferRequestPending()
    due = await add_working_days(
        session, actor.today, actor.services.settings.transfer_request_escalation_working_days
    )
    request = TransferRequest(
        person_id=membership.person_id,
        from_household_id=membership.household_id,
        to_household_id=target.id,
        from_region_code=membership.region_code,
        to_region_code=target.region_code,
        relation_to_head=data.relation_to_head,
        reason=data.reason.strip(),
        filed_by=actor.principal.id,
        filed_on=actor.today,
        due_on=due.day,
    )
    try:
        async with session.begin_nested():
            session.add(request)
            await session.flush()
    except IntegrityError:
        # Another street filed for the same person at the same moment.
        raise TransferRequestPending() from None
    await _record(session, actor, request, "file", ["status", "to_household_id", "person_id"])
    return request.id


async def visible(
    session: ReadSession, actor: Actor, request_id: uuid.UUID, *, for_update: bool = False
) -> Row[Any]:
    """The request with which sides the actor holds; 404 (a refusal when it exists) if the
    actor's reach holds neither of its households."""
    row = await repository.get_visible(session, actor.reach, request_id, for_update=for_update)
    if row is None:
        error = NotFound("迁移申请", "transfer request")
        if await repository.exists_anywhere(session, request_id):
            raise error.refusing(
                action="transfer_request.read", object_type=OBJECT, object_id=str(request_id)
            )
        raise error
    return row


def _side(row: Row[Any], sending: bool, step: TransferStep) -> None:
    """403 unless the actor holds the side that takes this step."""
    if not (bool(row.sees_from) if sending else bool(row.sees_to)):
        action = f"transfer_requests:{step.value}"
        raise Forbidden().refusing(action=action, object_type=OBJECT, object_id=str(row.id))


async def accept(
    session: WriteSession, actor: Actor, request_id: uuid.UUID, data: AcceptIn
) -> uuid.UUID:
    """The sending street agrees: the person moves in the same transaction (history on
    both sides, `household.transferred` events naming the request)."""
    row = await visible(session, actor, request_id, for_update=True)
    _side(row, sending=True, step=TransferStep.accept)
    request: TransferRequest = row.TransferRequest
    status = next_status(TransferStatus(request.status), TransferStep.accept)
    await _move(session, actor, request, data.new_head_person_id)
    _close(actor, request, status, None, data.note)
    await _record(session, actor, request, "accept", ["status"])
    return request.id


async def refuse(
    session: WriteSession, actor: Actor, request_id: uuid.UUID, data: RefuseIn
) -> uuid.UUID:
    """The sending street does not agree, with a reason code (and a note for `other`)."""
    row = await visible(session, actor, request_id, for_update=True)
    _side(row, sending=True, step=TransferStep.refuse)
    request: TransferRequest = row.TransferRequest
    status = next_status(TransferStatus(request.status), TransferStep.refuse)
    await _check_reason(session, data.reason, data.note)
    _close(actor, request, status, data.reason, data.note)
    await _record(session, actor, request, "refuse", ["status", "refusal_reason", "note"])
    return request.id


async def decide(
    session: WriteSession, actor: Actor, request_id: uuid.UUID, data: DecideIn
) -> uuid.UUID:
    """The district decides a pending request either way (研判), whether or not it is
    overdue; a decision to accept moves the person as an acceptance does."""
    row = await visible(session, actor, request_id, for_update=True)
    _side(row, sending=True, step=TransferStep.decide)
    request: TransferRequest = row.TransferRequest
    status = next_status(TransferStatus(request.status), TransferStep.decide, data.outcome)
    if data.outcome is TransferOutcome.accept:
        await _move(session, actor, request, data.new_head_person_id)
        _close(actor, request, status, None, data.note)
    else:
        assert data.reason is not None
        await _check_reason(session, data.reason, data.note)
        _close(actor, request, status, data.reason, data.note)
    await _record(session, actor, request, "decide", ["status", "refusal_reason", "note"])
    return request.id


async def cancel(
    session: WriteSession, actor: Actor, request_id: uuid.UUID, note: str | None
) -> uuid.UUID:
    """The requesting side withdraws a pending request."""
    row = await visible(session, actor, request_id, for_update=True)
    _side(row, sending=False, step=TransferStep.cancel)
    request: TransferRequest = row.TransferRequest
    status = next_status(TransferStatus(request.status), TransferStep.cancel)
    _close(actor, request, status, None, note)
    await _record(session, actor, request, "cancel", ["status", "note"])
    return request.id


async def _move(
    session: WriteSession, actor: Actor, request: TransferRequest, new_head: uuid.UUID | None
) -> None:
    """Move the person as the request says. The acceptance is what entitles the actor to
    change the receiving household, so both are locked by id (in id order, after the
    request), not through the actor's reach."""
    first, second = sorted([request.from_household_id, request.to_household_id])
    locked = {first: await households.lock(session, first)}
    locked[second] = await households.lock(session, second)
    source, target = locked[request.from_household_id], locked[request.to_household_id]
    if target.status != "active":
        raise TransferTargetNotActive()
    await transfer.move(
        session,
        actor,
        source,
        target,
        request.person_id,
        relation_to_head=request.relation_to_head,
        new_head_person_id=new_head,
        event_ids={"transfer_request_id": request.id},
    )


async def _check_reason(session: WriteSession, reason: str, note: str | None) -> None:
    if await unknown_codes(session, "transfer_refusal_reason", [reason]):
        raise ValidationFailed.at(["body", "reason"], "unknown_code")
    if reason == "other" and not note:
        raise ValidationFailed.at(["body", "note"], "missing")


def _close(
    actor: Actor,
    request: TransferRequest,
    status: TransferStatus,
    reason: str | None,
    note: str | None,
) -> None:
    request.status = status.value
    request.answered_by = actor.principal.id
    request.answered_at = utcnow()
    request.refusal_reason = reason
    request.note = note
    request.version += 1


async def _record(
    session: WriteSession, actor: Actor, request: TransferRequest, step: str, fields: list[str]
) -> None:
    """The audit event and the domain event of an action (thin: ids, status, regions)."""
    await session.flush()
    await audit.record(
        session,
        actor.context,
        f"transfer_request.{step}",
        object_type=OBJECT,
        object_id=str(request.id),
        region_code=request.from_region_code,
        changed_fields=sorted(fields),
    )
    events.publish(
        session,
        f"transfer_request.{request.status if step != 'file' else 'filed'}",
        {
            "transfer_request_id": str(request.id),
            "version": request.version,
            "status": request.status,
            "region_code": request.from_region_code,
            "to_region_code": request.to_region_code,
        },
    )
