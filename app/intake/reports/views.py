"""A discovery report as the caller may see it (DOMAIN 1, 6; Beijing 7 minimal access).

Personal fields are masked per `core.masking` for roles that see them masked (grid
workers, even of what they entered; auditors without a grant). Whether the report
matched a household, and which household it was linked to, go only to roles that see ID
numbers whole, and only when the caller's reach holds that household: for the others
both are null whatever happened, so the view of a duplicate and of a fresh lead cannot
be told apart (no unmasking oracle)."""

import uuid

from app.core.auth import Actor
from app.core.masking import PersonalField, shown
from app.core.permissions import Action, Role, is_allowed
from app.intake.models import DiscoveryReport
from app.intake.reports.schemas import DiscoveryReportOut, LikelyDuplicateOut
from app.intake.reports.states import ReportStatus, ReportStep, allowed


def steps_for(actor: Actor, report: DiscoveryReport) -> list[ReportStep]:
    """The triage steps the caller may take now: the state's, for street officers and
    community workers (`convert` is an application's, never a step of this resource)."""
    role: Role = actor.principal.role
    if not is_allowed(role, Action.discovery_reports_triage):
        return []
    investigated = report.basic_investigation_on is not None
    return [
        ReportStep(step)
        for step in allowed(ReportStatus(report.status), investigated=investigated)
        if step != ReportStep.convert.value
    ]


def named_households(actor: Actor, reports: list[DiscoveryReport]) -> set[uuid.UUID]:
    """The households the reports name (a match, a link) that the caller's view may show,
    if its reach holds them: none for a role that sees personal data masked."""
    if not actor.viewer.sees_full(PersonalField.id_number):
        return set()
    named = {r.likely_duplicate_of for r in reports} | {r.household_id for r in reports}
    return {household_id for household_id in named if household_id is not None}


def report_out(
    actor: Actor, report: DiscoveryReport, reachable: set[uuid.UUID]
) -> DiscoveryReportOut:
    """`reachable`: which of `named_households` the caller's reach holds; a household the
    report names is shown only then (a street's match is not news to another community)."""
    viewer = actor.viewer
    number = None
    if report.id_number_cipher is not None:
        number = shown(
            actor.services.vault.open(report.id_number_cipher), PersonalField.id_number, viewer
        )
    duplicate = report.likely_duplicate_of if report.likely_duplicate_of in reachable else None
    return DiscoveryReportOut(
        id=report.id,
        version=report.version,
        status=ReportStatus(report.status),
        allowed_actions=steps_for(actor, report),
        region_code=report.region_code,
        channel=report.channel,
        filed_by=report.filed_by,
        filed_at=report.filed_at,
        noticed_on=report.noticed_on,
        subject_name=shown(report.subject_name, PersonalField.name, viewer),
        id_number=number,
        address=shown(report.address, PersonalField.text, viewer) or "",
        situation=shown(report.situation, PersonalField.text, viewer) or "",
        urgency=report.urgency,
        category_guesses=list(report.category_guesses),
        hardship_kind=report.hardship_kind,
        needs=list(report.needs),
        likely_duplicate=None if duplicate is None else LikelyDuplicateOut(household_id=duplicate),
        household_id=report.household_id if report.household_id in reachable else None,
        basic_investigation_on=report.basic_investigation_on,
        triaged_by=report.triaged_by,
        triaged_at=report.triaged_at,
        dismissal_reason=report.dismissal_reason,
        triage_note=shown(report.triage_note, PersonalField.text, viewer),
    )
