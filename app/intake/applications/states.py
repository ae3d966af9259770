"""The state machine of an application (DOMAIN 6), pure: no database, no HTTP.

submitted -> accepted (受理) or rejected (with a reason) -> under_investigation ->
assessed -> approved / not_approved -> closed; the applicant may withdraw until a
decision is taken. Rejected, withdrawn and closed are final.
"""

from enum import StrEnum

from app.core.transitions import StateMachine


class Status(StrEnum):
    """Where an application stands (code table `application_status`)."""

    submitted = "submitted"
    accepted = "accepted"
    rejected = "rejected"
    under_investigation = "under_investigation"
    assessed = "assessed"
    approved = "approved"
    not_approved = "not_approved"
    closed = "closed"
    withdrawn = "withdrawn"


class Step(StrEnum):
    """The explicit actions on an application (`POST /applications/{id}/<step>`)."""

    accept = "accept"
    reject = "reject"
    investigate = "investigate"
    assess = "assess"
    approve = "approve"
    not_approve = "not_approve"
    close = "close"
    withdraw = "withdraw"


MACHINE: StateMachine[Status, Step] = StateMachine(
    Step,
    {
        (Status.submitted, Step.accept): Status.accepted,
        (Status.submitted, Step.reject): Status.rejected,
        (Status.submitted, Step.withdraw): Status.withdrawn,
        (Status.accepted, Step.investigate): Status.under_investigation,
        (Status.accepted, Step.withdraw): Status.withdrawn,
        (Status.under_investigation, Step.assess): Status.assessed,
        (Status.under_investigation, Step.withdraw): Status.withdrawn,
        (Status.assessed, Step.approve): Status.approved,
        (Status.assessed, Step.not_approve): Status.not_approved,
        (Status.assessed, Step.withdraw): Status.withdrawn,
        (Status.approved, Step.close): Status.closed,
        (Status.not_approved, Step.close): Status.closed,
    },
)

BEFORE_ACCEPTANCE = frozenset({Status.submitted})
"""While here, a household created with the application is an applicant (`pending`)."""

FINAL = frozenset(s for s in Status if not MACHINE.allowed(s))
"""Rejected, withdrawn and closed: no step leads on (one open application per household)."""
