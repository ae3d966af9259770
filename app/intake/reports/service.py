"""Discovery reports (主动发现, 线索; DOMAIN 6; Yubei 3(5); Beijing 2, 4(1)1).

Grid workers, community workers and street officers file leads about people they
noticed; street officers and community workers triage them: link to a household already
in the ledger, dismiss with a reason, or (helper of applications) turn them into an
application, which names the report. A lead with a hardship (major illness, incident,
other) opens the 1-working-day visit and 2-working-day ledger deadlines from the day it
was learned of; a basic investigation (摸排) that concerns elderly, children or disabled
people opens the 3-working-day ledger deadline. Every step is audited and publishes a
thin `discovery_report.*` event.

A lead matching an active household (same ID number in the street, same address in the
community) is flagged `likely_duplicate_of` for the triaging officers; the filer who sees
personal data masked learns nothing of it (no unmasking oracle, docs/security.md): the
same answer, headers and statements whatever matched.
"""

import uuid
from datetime import date

from app.core import audit
from app.core.auth import Actor, Forbidden
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import FieldMessage, register_field_messages
from app.core.masking import PersonalField
from app.core.permissions import Action, Role
from app.dictionaries.public import unknown_codes
from app.households import public as households
from app.intake.deadlines.rules import Kind
from app.intake.deadlines.service import meet, open_deadline, open_deadlines
from app.intake.inbox.service import notify
from app.intake.models import DiscoveryReport
from app.intake.reports import repository
from app.intake.reports.schemas import (
    DiscoveryReportIn,
    DiscoveryReportOut,
    DismissIn,
    InvestigateIn,
    LinkIn,
)
from app.intake.reports.states import ReportStatus, ReportStep, next_status, screening_applies
from app.intake.reports.views import named_households, report_out
from app.regions.public import region_exists

OBJECT = "discovery_report"
CHANNELS = {
    Role.street_officer: "street",
    Role.community_worker: "community",
    Role.grid_worker: "grid_worker",
}
"""`discovery_channel` by the filer's role (Beijing 4(1)1: street, community, grid)."""
LEDGER_ENTRY = (Kind.ledger_after_hardship, Kind.ledger_after_screening)


def check_may_give_id_number(actor: Actor, data: DiscoveryReportIn) -> None:
    """A role that sees ID numbers masked may not give one (403, audited as
    `discovery_reports:file+id_number`): it could confirm a guess by the answer."""
    if data.id_number is not None and not actor.viewer.sees_full(PersonalField.id_number):
        taking = f"{Action.discovery_reports_file.value}+{PersonalField.id_number.value}"
        raise Forbidden().refusing(action=taking)


async def file(session: WriteSession, actor: Actor, data: DiscoveryReportIn) -> DiscoveryReport:
    """File a lead noticed in the actor's scope (a grid worker: its grid). The ID number,
    when given, is sealed like a person's and its lookup audited by its blind index."""
    check_may_give_id_number(actor, data)
    households.check_region(
        data.region_code,
        actor.principal.scope_region,
        exists=await region_exists(session, data.region_code),
        loc=["body", "region_code"],
    )
    if data.noticed_on > actor.today:
        raise ValidationFailed.at(["body", "noticed_on"], "date_in_future")
    if await unknown_codes(session, "need", data.needs):
        raise ValidationFailed.at(["body", "needs"], "unknown_code")
    cipher = key_id = index = None
    if data.id_number is not None:
        number = households.parse_id(data.id_number, actor.today, ["body"]).value
        index = actor.services.vault.index(number)
        households.audit_id_number(session, actor, "discovery_report.lookup", index)
        cipher, key_id = actor.services.vault.seal(number)
    address = data.address
    duplicate = await households.likely_household(
        session,
        id_number_index=index,
        street_code=data.region_code[:9],
        community_code=data.region_code[:12],
        address=address,
    )
    report = DiscoveryReport(
        status=ReportStatus.submitted.value,
        region_code=data.region_code,
        district_code=data.region_code[:6],
        channel=CHANNELS[actor.principal.role],
        filed_by=actor.principal.id,
        filed_at=utcnow(),
        noticed_on=data.noticed_on,
        subject_name=data.subject_name,
        id_number_cipher=cipher,
        id_number_key_id=key_id,
        id_number_index=index,
        address=address,
        situation=data.situation,
        urgency=data.urgency,
        category_guesses=sorted(set(data.category_guesses)),
        hardship_kind=data.hardship_kind,
        needs=sorted(set(data.needs)),
        likely_duplicate_of=duplicate,
    )
    session.add(report)
    await session.flush()
    if data.hardship_kind is not None:
        await open_deadlines(
            session,
            [Kind.visit_after_hardship, Kind.ledger_after_hardship],
            data.noticed_on,
            region_code=report.region_code,
            discovery_report_id=report.id,
        )
    await _record(session, actor, report, "file", ["status"])
    return report


async def shown(
    session: ReadSession, actor: Actor, reports: list[DiscoveryReport]
) -> list[DiscoveryReportOut]:
    """The reports as the caller may see them (`views.report_out`): one statement finds
    which of the households they name the caller's reach holds."""
    reachable = await households.within_reach(
        session, actor.reach, named_households(actor, reports)
    )
    return [report_out(actor, report, reachable) for report in reports]


async def visible(
    session: ReadSession, actor: Actor, report_id: uuid.UUID, *, for_update: bool = False
) -> DiscoveryReport:
    """The report if the actor's reach holds it; 404 otherwise (a refusal when it exists)."""
    found = await repository.get_visible(
        session,
        actor.reach,
        actor.principal.role,
        actor.principal.id,
        report_id,
        for_update=for_update,
    )
    if found is None:
        error = NotFound("线索", "discovery report")
        if await repository.exists_anywhere(session, report_id):
            raise error.refusing(
                action="discovery_report.read", object_type=OBJECT, object_id=str(report_id)
            )
        raise error
    return found


async def _for_step(
    session: WriteSession, actor: Actor, report_id: uuid.UUID, expected: int, step: ReportStep
) -> tuple[DiscoveryReport, ReportStatus]:
    report = await visible(session, actor, report_id, for_update=True)
    check_version(expected, report.version)
    status = next_status(
        ReportStatus(report.status), step, investigated=report.basic_investigation_on is not None
    )
    return report, status


async def link(
    session: WriteSession, actor: Actor, report_id: uuid.UUID, expected: int, data: LinkIn
) -> DiscoveryReport:
    """The lead is a household already in the ledger (an active one of the actor's reach):
    its ledger-entry deadlines are met today, and the needs the lead names are noted on the
    household as instances from the report."""
    report, status = await _for_step(session, actor, report_id, expected, ReportStep.link)
    household = await households.writable(session, actor, data.household_id)
    if household.status != "active":
        raise ValidationFailed.at(["body", "household_id"], "household_not_active")
    if report.needs:
        await households.note_needs(
            session,
            actor,
            household,
            list(report.needs),
            source=OBJECT,
            source_id=report.id,
            noted_on=actor.today,
        )
    await meet(session, LEDGER_ENTRY, actor.today, discovery_report_id=report.id)
    report.household_id = household.id
    _triaged(actor, report, status, data.note)
    await _record(session, actor, report, "link", ["status", "household_id", "triage_note"])
    return report


async def dismiss(
    session: WriteSession, actor: Actor, report_id: uuid.UUID, expected: int, data: DismissIn
) -> DiscoveryReport:
    """The lead needs no help from the ledger, with a reason code (`other` needs a note);
    the deadlines it opened and nobody met are cancelled (kept, off the worklist)."""
    report, status = await _for_step(session, actor, report_id, expected, ReportStep.dismiss)
    if await unknown_codes(session, "discovery_dismissal_reason", [data.reason]):
        raise ValidationFailed.at(["body", "reason"], "unknown_code")
    if data.reason == "other" and not data.note:
        raise ValidationFailed.at(["body", "note"], "missing")
    dropped = await repository.cancel_undone_deadlines(session, report.id, actor.today)
    report.dismissal_reason = data.reason
    _triaged(actor, report, status, data.note)
    fields = ["status", "dismissal_reason", "triage_note"] + (["deadlines"] if dropped else [])
    await _record(session, actor, report, "dismiss", fields)
    return report


async def investigate(
    session: WriteSession, actor: Actor, report_id: uuid.UUID, expected: int, data: InvestigateIn
) -> DiscoveryReport:
    """Record the basic investigation (摸排): with elderly, children or disabled people among
    the category guesses, the person must be in the ledger within 3 working days after it
    (Beijing 2). Once per report; the report stays submitted."""
    report, _ = await _for_step(session, actor, report_id, expected, ReportStep.investigate)
    day: date = data.basic_investigation_on
    if day > actor.today:
        raise ValidationFailed.at(["body", "basic_investigation_on"], "date_in_future")
    if day < report.noticed_on:
        raise ValidationFailed.at(
            ["body", "basic_investigation_on"], "too_early", earliest=report.noticed_on.isoformat()
        )
    report.basic_investigation_on = day
    report.version += 1
    if screening_applies(list(report.category_guesses)):
        await open_deadline(
            session,
            Kind.ledger_after_screening,
            day,
            region_code=report.region_code,
            discovery_report_id=report.id,
        )
    await _record(session, actor, report, "investigate", ["basic_investigation_on"])
    return report


async def convert(
    session: WriteSession, actor: Actor, report_id: uuid.UUID, household_id: uuid.UUID
) -> DiscoveryReport:
    """The report is turned into an application for `household_id`: called by the filing of
    an application that names the report (`POST /applications`), in its transaction. 404
    when the actor's reach does not hold the report, 409 `invalid_transition` unless it is
    submitted. Its deadlines stay with it: the application's acceptance enters the household
    into the ledger and meets them."""
    report = await visible(session, actor, report_id, for_update=True)
    status = next_status(
        ReportStatus(report.status),
        ReportStep.convert,
        investigated=report.basic_investigation_on is not None,
    )
    report.household_id = household_id
    _triaged(actor, report, status, None)
    await _record(session, actor, report, "convert", ["status", "household_id"])
    return report


def _triaged(actor: Actor, report: DiscoveryReport, status: ReportStatus, note: str | None) -> None:
    report.status = status.value
    report.triaged_by = actor.principal.id
    report.triaged_at = utcnow()
    report.triage_note = note
    report.version += 1


async def _record(
    session: WriteSession, actor: Actor, report: DiscoveryReport, step: str, fields: list[str]
) -> None:
    """The audit event and the domain event of a step (thin: ids, status, region, urgency;
    never the duplicate flag nor personal data). A triage outcome goes to the filer's inbox
    (its report was dealt with); a new report goes to nobody's: the triaging officers work
    from the list of submitted reports of their region."""
    await session.flush()
    await audit.record(
        session,
        actor.context,
        f"discovery_report.{step}",
        object_type=OBJECT,
        object_id=str(report.id),
        region_code=report.region_code,
        changed_fields=sorted(fields),
    )
    event = {"file": "filed", "investigate": "investigated"}.get(step, report.status)
    notify(
        session,
        f"discovery_report.{event}",
        {
            "discovery_report_id": str(report.id),
            "version": report.version,
            "status": report.status,
            "region_code": report.region_code,
            "urgency": report.urgency,
        },
        recipients=[report.filed_by] if step in ("link", "dismiss", "convert") else [],
        subject_type=OBJECT,
        subject_id=report.id,
    )


async def count(session: ReadSession) -> int:
    """How many discovery reports there are (the demo seeds them once)."""
    return await repository.count(session)


register_field_messages(
    {
        "household_not_active": FieldMessage(
            "该家庭不是在册家庭（已退出台账，或尚在申请中）",
            "this household is not active in the ledger (it has left it, or is still an applicant)",
        ),
    }
)
