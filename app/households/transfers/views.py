"""A transfer request as the caller may see it: the requesting side learns nothing of the
sending household (DOMAIN 4; Beijing 7 minimal access)."""

from typing import Any

from sqlalchemy import Row

from app.core.auth import Actor
from app.core.masking import mask_id_number
from app.core.permissions import Role
from app.households.transfers.models import TransferRequest
from app.households.transfers.schemas import TransferRequestOut
from app.households.transfers.states import MOVES, TransferStatus, TransferStep, allowed, is_overdue


def steps_for(
    actor: Actor, status: TransferStatus, sees_from: bool, sees_to: bool
) -> list[TransferStep]:
    """What the caller may do now: the state's steps, narrowed to the caller's side and
    role (the sending street answers, the district decides, the requesting side cancels)."""
    role = actor.principal.role
    mine = {
        TransferStep.accept: sees_from and role is Role.street_officer,
        TransferStep.refuse: sees_from and role is Role.street_officer,
        TransferStep.decide: sees_from and role is Role.district_officer,
        TransferStep.cancel: sees_to and role in (Role.street_officer, Role.community_worker),
    }
    return [TransferStep(step) for step in allowed(status) if mine[TransferStep(step)]]


def request_out(actor: Actor, row: Row[Any]) -> TransferRequestOut:
    """`row` as `repository` gives it: the request, the person's name and sealed number,
    and which sides the caller's reach holds."""
    request: TransferRequest = row.TransferRequest
    status = TransferStatus(request.status)
    sending = bool(row.sees_from)
    moved = status in MOVES and bool(row.sees_to)
    return TransferRequestOut(
        id=request.id,
        version=request.version,
        status=status,
        allowed_actions=steps_for(actor, status, sending, bool(row.sees_to)),
        person_id=request.person_id if sending or moved else None,
        person_name=row.person_name if sending or moved else None,
        id_number=mask_id_number(actor.services.vault.open(row.id_number_cipher)),
        from_household_id=request.from_household_id if sending else None,
        from_region_code=request.from_region_code if sending else None,
        to_household_id=request.to_household_id,
        to_region_code=request.to_region_code,
        relation_to_head=request.relation_to_head,
        reason=request.reason,
        filed_by=request.filed_by,
        filed_at=request.created_at,
        filed_on=request.filed_on,
        due_on=request.due_on,
        overdue=is_overdue(status, request.due_on, actor.today),
        answered_by=request.answered_by,
        answered_at=request.answered_at,
        refusal_reason=request.refusal_reason,
        note=request.note,
    )
