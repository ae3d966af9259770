"""The state machine of a home visit (DOMAIN 6), pure: scheduled -> completed (recorded) or
cancelled; both are final."""

from enum import StrEnum

from app.core.transitions import StateMachine


class Status(StrEnum):
    """Code table `home_visit_status`."""

    scheduled = "scheduled"
    completed = "completed"
    cancelled = "cancelled"


class Step(StrEnum):
    """The explicit actions on a visit (`POST /home-visits/{id}/<step>`)."""

    record = "record"
    cancel = "cancel"


MACHINE: StateMachine[Status, Step] = StateMachine(
    Step,
    {
        (Status.scheduled, Step.record): Status.completed,
        (Status.scheduled, Step.cancel): Status.cancelled,
    },
)
