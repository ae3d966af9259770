"""The state machine of a transfer request (DOMAIN 4), pure: no database, no HTTP.

A request is filed `pending`; the sending street accepts or refuses it, the
district decides it either way (at any time while it is pending), or the
requester cancels it. Every other state is final.
"""

from datetime import date
from enum import StrEnum

from app.core.transitions import InvalidTransition


class TransferStatus(StrEnum):
    """Where a transfer request stands (code table `transfer_request_status`)."""

    pending = "pending"
    accepted = "accepted"
    refused = "refused"
    decided_accepted = "decided_accepted"
    decided_refused = "decided_refused"
    cancelled = "cancelled"


class TransferStep(StrEnum):
    """The explicit actions on a request (`POST /transfer-requests/{id}/<step>`)."""

    accept = "accept"
    refuse = "refuse"
    decide = "decide"
    cancel = "cancel"


class TransferOutcome(StrEnum):
    """What the district decides."""

    accept = "accept"
    refuse = "refuse"


_NEXT: dict[tuple[TransferStatus, TransferStep, TransferOutcome | None], TransferStatus] = {
    (TransferStatus.pending, TransferStep.accept, None): TransferStatus.accepted,
    (TransferStatus.pending, TransferStep.refuse, None): TransferStatus.refused,
    (
        TransferStatus.pending,
        TransferStep.decide,
        TransferOutcome.accept,
    ): TransferStatus.decided_accepted,
    (
        TransferStatus.pending,
        TransferStep.decide,
        TransferOutcome.refuse,
    ): TransferStatus.decided_refused,
    (TransferStatus.pending, TransferStep.cancel, None): TransferStatus.cancelled,
}

MOVES = frozenset({TransferStatus.accepted, TransferStatus.decided_accepted})
"""The states in which the person was moved."""


def allowed(status: TransferStatus) -> list[str]:
    """The steps the state allows, in a stable order (empty for a final state)."""
    return [step.value for step in TransferStep if any(k[:2] == (status, step) for k in _NEXT)]


def next_status(
    status: TransferStatus, step: TransferStep, outcome: TransferOutcome | None = None
) -> TransferStatus:
    """The state after `step`; 409 `invalid_transition` listing the allowed steps if the
    state does not allow it. `outcome` is the district's, for `decide` only."""
    found = _NEXT.get((status, step, outcome if step is TransferStep.decide else None))
    if found is None:
        raise InvalidTransition(status.value, allowed(status))
    return found


def is_overdue(status: TransferStatus, due_on: date, today: date) -> bool:
    """Unanswered after its due date: the sending street has the whole of the due date (the
    last of its working days), so the request is overdue from the day after."""
    return status is TransferStatus.pending and today > due_on
