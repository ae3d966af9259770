"""The state machine of a discovery report (主动发现线索, DOMAIN 6; Yubei 3(5)), pure.

submitted -> linked (to a household of the ledger) | converted (an application names the
report: `POST /applications` sets it) | dismissed (with a reason). The three outcomes are
final. The basic investigation (摸排) is recorded on a submitted report and keeps it
submitted: it starts the screening deadline, it does not triage the report.
"""

from enum import StrEnum

from app.core.transitions import InvalidTransition, StateMachine


class Status(StrEnum):
    """Where a report stands (code table `discovery_report_status`)."""

    submitted = "submitted"
    linked = "linked"
    converted = "converted"
    dismissed = "dismissed"


class Step(StrEnum):
    """The explicit actions on a report (`POST /discovery-reports/{id}/<step>`); `convert`
    is taken by filing an application from the report, not by a route of its own."""

    investigate = "investigate"
    link = "link"
    convert = "convert"
    dismiss = "dismiss"


MACHINE: StateMachine[Status, Step] = StateMachine(
    Step,
    {
        (Status.submitted, Step.investigate): Status.submitted,
        (Status.submitted, Step.link): Status.linked,
        (Status.submitted, Step.convert): Status.converted,
        (Status.submitted, Step.dismiss): Status.dismissed,
    },
)

TRIAGED = frozenset({Status.linked, Status.converted, Status.dismissed})
"""The final states: the report has been dealt with."""

SCREENED_CATEGORIES = frozenset({"elderly_in_distress", "child_in_distress", "severe_disability"})
"""Codes of `vulnerability_category` whose people, found in screening (摸排), must be in the
ledger within 3 working days after the basic investigation (Beijing 2)."""


def screening_applies(category_guesses: list[str]) -> bool:
    """Whether a report's category guesses name elderly, children or disabled people."""
    return not SCREENED_CATEGORIES.isdisjoint(category_guesses)


def allowed(status: Status, *, investigated: bool) -> list[str]:
    """The steps a report allows now: its state's, without `investigate` once the basic
    investigation is recorded (one investigation, one screening deadline)."""
    return [
        step
        for step in MACHINE.allowed(status)
        if not (investigated and step == Step.investigate.value)
    ]


def next_status(status: Status, step: Step, *, investigated: bool) -> Status:
    """The state after `step`, or 409 `invalid_transition` listing what is allowed."""
    if investigated and step is Step.investigate:
        raise InvalidTransition(status.value, allowed(status, investigated=True))
    return MACHINE.next(status, step)
