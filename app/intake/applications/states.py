"""The state machine of an application (DOMAIN 6), pure: no database, no HTTP.

submitted -> accepted (受理) or rejected (with a reason) -> under_investigation ->
assessed -> approved / not_approved -> closed; the applicant may withdraw until a
decision is taken. Rejected, withdrawn and closed are final.
"""

from enum import StrEnum

from app.core.transitions import StateMachine


class ApplicationStatus(StrEnum):
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


class ApplicationStep(StrEnum):
    """The explicit actions on an application (`POST /applications/{id}/<step>`)."""

    accept = "accept"
    reject = "reject"
    investigate = "investigate"
    assess = "assess"
    approve = "approve"
    not_approve = "not_approve"
    close = "close"
    withdraw = "withdraw"


MACHINE: StateMachine[ApplicationStatus, ApplicationStep] = StateMachine(
    ApplicationStep,
    {
        (ApplicationStatus.submitted, ApplicationStep.accept): ApplicationStatus.accepted,
        (ApplicationStatus.submitted, ApplicationStep.reject): ApplicationStatus.rejected,
        (ApplicationStatus.submitted, ApplicationStep.withdraw): ApplicationStatus.withdrawn,
        (
            ApplicationStatus.accepted,
            ApplicationStep.investigate,
        ): ApplicationStatus.under_investigation,
        (ApplicationStatus.accepted, ApplicationStep.withdraw): ApplicationStatus.withdrawn,
        (ApplicationStatus.under_investigation, ApplicationStep.assess): ApplicationStatus.assessed,
        (
            ApplicationStatus.under_investigation,
            ApplicationStep.withdraw,
        ): ApplicationStatus.withdrawn,
        (ApplicationStatus.assessed, ApplicationStep.approve): ApplicationStatus.approved,
        (ApplicationStatus.assessed, ApplicationStep.not_approve): ApplicationStatus.not_approved,
        (ApplicationStatus.assessed, ApplicationStep.withdraw): ApplicationStatus.withdrawn,
        (ApplicationStatus.approved, ApplicationStep.close): ApplicationStatus.closed,
        (ApplicationStatus.not_approved, ApplicationStep.close): ApplicationStatus.closed,
    },
)

BEFORE_ACCEPTANCE = frozenset({ApplicationStatus.submitted})
"""While here, a household created with the application is an applicant (`pending`)."""

FINAL = frozenset(s for s in ApplicationStatus if not MACHINE.allowed(s))
"""Rejected, withdrawn and closed: no step leads on (one open application per household)."""
