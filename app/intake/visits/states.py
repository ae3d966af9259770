"""The state machine of a home visit (DOMAIN 6), pure: scheduled -> completed (recorded) or
cancelled; both are final."""

from enum import StrEnum

from app.core.transitions import StateMachine


class VisitStatus(StrEnum):
    """Code table `home_visit_status`."""

    scheduled = "scheduled"
    completed = "completed"
    cancelled = "cancelled"


class Step(StrEnum):
    """The explicit actions on a visit (`POST /home-visits/{id}/<step>`)."""

    record = "record"
    cancel = "cancel"


MACHINE: StateMachine[VisitStatus, Step] = StateMachine(
    Step,
    {
        (VisitStatus.scheduled, Step.record): VisitStatus.completed,
        (VisitStatus.scheduled, Step.cancel): VisitStatus.cancelled,
    },
)
