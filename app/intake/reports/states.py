"""The state machine of a discovery report (主动发现线索, DOMAIN 6; Yubei 3(5)), pure.

submitted -> linked (to a household of the ledger) | converted (an application names the
report: `POST /applications` sets it) | dismissed (with a reason). The three outcomes are
final. The basic investigation (摸排) is recorded on a submitted report and keeps it
submitted: it starts the screening deadline, it does not triage the report.
"""

from enum import StrEnum

from app.core.transitions import InvalidTransition, StateMachine


class ReportStatus(StrEnum):
    """Where a report stands (code table `discovery_report_status`)."""

    submitted = "submitted"
    linked = "linked"
    converted = "converted"
    dismissed = "dismissed"


class ReportStep(StrEnum):
    """The explicit actions on a report (`POST /discovery-reports/{id}/<step>`); `convert`
    is taken by filing an application from the report, not by a route of its own."""

    investigate = "investigate"
    link = "link"
    convert = "convert"
    dismiss = "dismiss"


MACHINE: StateMachine[ReportStatus, ReportStep] = StateMachine(
    ReportStep,
    {
        (ReportStatus.submitted, ReportStep.investigate): ReportStatus.submitted,
        (ReportStatus.submitted, ReportStep.link): ReportStatus.linked,
        (ReportStatus.submitted, ReportStep.convert): ReportStatus.converted,
        (ReportStatus.submitted, ReportStep.dismiss): ReportStatus.dismissed,
    },
)

TRIAGED = frozenset({ReportStatus.linked, ReportStatus.converted, ReportStatus.dismissed})
"""The final states: the report has been dealt with."""

SCREENED_CATEGORIES = frozenset({"elderly_in_distress", "child_in_distress", "severe_disability"})
"""Codes of `vulnerability_category` whose people, found in screening (摸排), must be in the
ledger within 3 working days after the basic investigation (Beijing 2)."""


def screening_applies(category_guesses: list[str]) -> bool:
    """Whether a report's category guesses name elderly, children or disabled people."""
    return not SCREENED_CATEGORIES.isdisjoint(category_guesses)


def allowed(status: ReportStatus, *, investigated: bool) -> list[str]:
    """The steps a report allows now: its state's, without `investigate` once the basic
    investigation is recorded (one investigation, one screening deadline)."""
    return [
        step
        for step in MACHINE.allowed(status)
        if not (investigated and step == ReportStep.investigate.value)
    ]


def next_status(status: ReportStatus, step: ReportStep, *, investigated: bool) -> ReportStatus:
    """The state after `step`, or 409 `invalid_transition` listing what is allowed."""
    if investigated and step is ReportStep.investigate:
        raise InvalidTransition(status.value, allowed(status, investigated=True))
    return MACHINE.next(status, step)
