"""The state machine of a transfer request (DOMAIN 4), pure: no database, no HTTP.

A request is filed `pending`; the sending street accepts or refuses it, the
district decides it either way (at any time while it is pending), or the
requester cancels it. Every other state is final.
"""

from datetime import date
from enum import StrEnum

from app.core.transitions import InvalidTransition


class Status(StrEnum):
    """Where a transfer request stands (code table `transfer_request_status`)."""

    pending = "pending"
    accepted = "accepted"
    refused = "refused"
    decided_accepted = "decided_accepted"
    decided_refused = "decided_refused"
    cancelled = "cancelled"


class Step(StrEnum):
    """The explicit actions on a request (`POST /transfer-requests/{id}/<step>`)."""

    accept = "accept"
    refuse = "refuse"
    decide = "decide"
    cancel = "cancel"


class Outcome(StrEnum):
    """What the district decides."""

    accept = "accept"
    refuse = "refuse"


_NEXT: dict[tuple[Status, Step, Outcome | None], Status] = {
    (Status.pending, Step.accept, None): Status.accepted,
    (Status.pending, Step.refuse, None): Status.refused,
    (Status.pending, Step.decide, Outcome.accept): Status.decided_accepted,
    (Status.pending, Step.decide, Outcome.refuse): Status.decided_refused,
    (Status.pending, Step.cancel, None): Status.cancelled,
}

MOVES = frozenset({Status.accepted, Status.decided_accepted})
"""The states in which the person was moved."""


def allowed(status: Status) -> list[str]:
    """The steps the state allows, in a stable order (empty for a final state)."""
    return [step.value for step in Step if any(k[:2] == (status, step) for k in _NEXT)]


def next_status(status: Status, step: Step, outcome: Outcome | None = None) -> Status:
    """The state after `step`; 409 `invalid_transition` listing the allowed steps if the
    state does not allow it. `outcome` is the district's, for `decide` only."""
    found = _NEXT.get((status, step, outcome if step is Step.decide else None))
    if found is None:
        raise InvalidTransition(status.value, allowed(status))
    return found


def is_overdue(status: Status, due_on: date, today: date) -> bool:
    """Unanswered after its due date: the sending street has the whole of the due date (the
    last of its working days), so the request is overdue from the day after."""
    return status is Status.pending and today > due_on
