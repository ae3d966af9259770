"""Applications at the one window (一门受理, DOMAIN 6; Beijing 4(1)2; Yubei 3(5), 3(3)3(1)).

Filing: for a household in the filer's reach, or one entered with the application (then
`pending`, an applicant not yet in the ledger, `households.public.create_applicant_household`).
The requested help is noted as need instances of the household (`note_needs`, source
`application`); a hardship learned of opens the home-visit (1 working day) and ledger (2)
deadlines, the ledger one met at once when the household is in the ledger already. From a
discovery report, the report becomes `converted` and gives the channel.

Who files: community workers, street officers, social workers (households assigned to
them, through the ledger's `writable`), and a grid worker only for a household paired with
it (Yubei 3(3)3(1)). Only street officers and community workers enter a household with an
application (as `POST /households`): a grid worker may not give ID numbers, a social worker
files for the households assigned to it. A grid worker sees every answer masked. One open application per household (409 `application_open`).

Proxy modes need the household's recorded authorisation: for an existing household, a
document of kind `authorisation` in its file at filing; a household entered with the
application has no file yet, so its authorisation is uploaded to its file before
acceptance, and acceptance takes the newest one (409 `authorisation_required` without).

Steps (`states.MACHINE`): each is dated (`effective_on`, the business day it happened: not
in the future, not before the previous step), kept as a transition (who, when, why),
audited, and announced as `application.<status>` to the filer's inbox. Acceptance admits a
pending household into the ledger and meets the ledger deadlines; a rejection or withdrawal
before acceptance declines it; approval opens the home visit due 1 working day after it.
"""

import uuid
from datetime import date
from typing import Any, NamedTuple

from app.core import audit
from app.core.auth import Actor, Forbidden
from app.core.db import ReadSession, WriteSession, new_id
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.masking import PersonalField
from app.core.permissions import Action, Role, is_allowed
from app.core.region_codes import is_within
from app.dictionaries.public import unknown_codes
from app.households import public as households
from app.intake.applications import repository
from app.intake.applications.errors import ApplicationOpen, AuthorisationRequired
from app.intake.applications.schemas import PROXY_KINDS, PROXY_MODES, ActionIn, ApplicationIn
from app.intake.applications.states import MACHINE, ApplicationStatus, ApplicationStep
from app.intake.deadlines import service as deadlines
from app.intake.deadlines.rules import LEDGER_ENTRIES, Kind
from app.intake.inbox.service import notify
from app.intake.models import Application, ApplicationTransition, Deadline, DiscoveryReport
from app.intake.reports import service as reports
from app.organizations.public import organization_kind
from app.referrals.public import push_application_needs

OBJECT = "application"
AUTHORISATION = "authorisation"
_REASONS = {
    ApplicationStep.reject: "application_rejection_reason",
    ApplicationStep.not_approve: "application_decision_reason",
}
"""The steps that take a reason code, and its dictionary."""


def _by(actor: Actor) -> uuid.UUID | None:
    return None if actor.principal.is_client else actor.principal.id


def _not_future(day: date, actor: Actor, loc: list[str | int]) -> None:
    if day > actor.today:
        raise ValidationFailed.at(loc, "date_in_future")


async def _check_body(session: ReadSession, actor: Actor, data: ApplicationIn) -> None:
    _not_future(data.applied_on, actor, ["body", "applied_on"])
    if data.hardship_learned_on is not None:
        _not_future(data.hardship_learned_on, actor, ["body", "hardship_learned_on"])
    if await unknown_codes(session, "need", data.needs):
        raise ValidationFailed.at(["body", "needs"], "unknown_code")
    if data.mode in PROXY_MODES:
        if data.proxy_organization_id is None:
            raise ValidationFailed.at(["body", "proxy_organization_id"], "missing")
        kind = await organization_kind(session, data.proxy_organization_id)
        if kind is None:
            raise ValidationFailed.at(["body", "proxy_organization_id"], "not_found")
        if kind != PROXY_KINDS[data.mode]:
            raise ValidationFailed.at(["body", "proxy_organization_id"], "wrong_organization_kind")
    else:
        for name in ("proxy_organization_id", "authorisation_document_id"):
            if getattr(data, name) is not None:
                raise ValidationFailed.at(["body", name], "not_allowed")


def _report_in_reach(actor: Actor, report: DiscoveryReport) -> bool:
    return any(is_within(report.region_code, region) for region in actor.reach.regions)


async def _report(session: WriteSession, actor: Actor, report_id: uuid.UUID) -> DiscoveryReport:
    """The report to convert: in the actor's region reach and awaiting triage (422 else)."""
    report = await repository.report_for_update(session, report_id)
    if report is None or not _report_in_reach(actor, report):
        raise ValidationFailed.at(["body", "discovery_report_id"], "not_found")
    if report.status != "submitted":
        raise ValidationFailed.at(["body", "discovery_report_id"], "report_not_open")
    return report


def _refuse_grid_worker(actor: Actor, paired: uuid.UUID | None, object_id: str) -> None:
    """A grid worker acts only for the households paired with it (Yubei 3(3)3(1))."""
    if actor.principal.role is Role.grid_worker and paired != actor.principal.id:
        raise Forbidden().refusing(
            action="applications:file", object_type="household", object_id=object_id
        )


async def _existing(
    session: WriteSession, actor: Actor, data: ApplicationIn
) -> households.HouseholdRef:
    assert data.household_id is not None
    household = await households.writable(session, actor, data.household_id)
    _refuse_grid_worker(
        actor, await households.paired_worker_of(session, household.id), str(household.id)
    )
    if household.status == "exited":
        households.require_active(household)
    if await repository.open_for(session, household.id):
        raise ApplicationOpen()
    if data.applicant_person_id is not None and data.applicant_person_id not in set(
        await households.members_on(session, household.id, actor.today)
    ):
        raise ValidationFailed.at(["body", "applicant_person_id"], "not_a_member")
    if data.mode in PROXY_MODES and (
        data.authorisation_document_id is None
        or not await households.has_document(
            session, household.id, data.authorisation_document_id, AUTHORISATION
        )
    ):
        raise ValidationFailed.at(["body", "authorisation_document_id"], "authorisation_missing")
    if household.status == "declined":
        # A declined applicant applies again: an applicant once more (DOMAIN 6).
        household = await households.reapply(session, actor, household)
    return household


async def _entered(
    session: WriteSession,
    actor: Actor,
    data: ApplicationIn,
    application_id: uuid.UUID,
    channel: str,
) -> households.HouseholdRef:
    assert data.household is not None
    if not actor.viewer.sees_full(PersonalField.id_number):
        # Entering members means giving ID numbers: taking a value is seeing it.
        raise Forbidden().refusing(action="applications:file+id_number")
    if not is_allowed(actor.principal.role, Action.households_create):
        # Only those who enter households into the ledger enter one with an application
        # (a social worker files for the households assigned to it).
        raise Forbidden().refusing(action=Action.households_create.value)
    for name in ("applicant_person_id", "authorisation_document_id"):
        if getattr(data, name) is not None:
            # No member and no file exist yet: the head applies; the authorisation comes later.
            raise ValidationFailed.at(["body", name], "not_allowed")
    intake = households.Intake(
        source="application",
        source_id=application_id,
        application_mode=data.mode,
        discovery_channel=channel,
    )
    created = await households.create_applicant_household(session, actor, data.household, intake)
    return await households.writable(session, actor, created.id)


class Filed(NamedTuple):
    """What a filing wrote, as the answer shows it (nothing of it read again)."""

    application: Application
    household_status: str
    """The household's status once filed (`pending` for an applicant)."""
    steps: list[ApplicationTransition]
    needs: list[households.NeedInstance]
    deadlines: list[Deadline]


async def file(session: WriteSession, actor: Actor, data: ApplicationIn) -> Filed:
    """File an application (see the module); returns it, written, with its household's
    status (what the answer shows, without reading either again)."""
    await _check_body(session, actor, data)
    report = None
    if data.discovery_report_id is not None:
        report = await _report(session, actor, data.discovery_report_id)
    channel = report.channel if report is not None else "self_application"
    application_id = new_id()
    if data.household is not None:
        household = await _entered(session, actor, data, application_id, channel)
    else:
        household = await _existing(session, actor, data)
    filed_by = actor.principal.id
    application = Application(
        id=application_id,
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        status=ApplicationStatus.submitted.value,
        mode=data.mode,
        channel=channel,
        applied_on=data.applied_on,
        applicant_person_id=data.applicant_person_id or household.head_person_id,
        proxy_organization_id=data.proxy_organization_id,
        authorisation_document_id=data.authorisation_document_id,
        discovery_report_id=report.id if report is not None else None,
        created_household=data.household is not None,
        situation=data.situation,
        hardship_kind=data.hardship_kind,
        hardship_learned_on=data.hardship_learned_on,
        filed_by=filed_by,
    )
    session.add(application)
    filing = ApplicationTransition(
        application_id=application_id,
        action="file",
        from_status=None,
        to_status=ApplicationStatus.submitted.value,
        actor_id=filed_by,
        effective_on=data.applied_on,
    )
    session.add(filing)
    await session.flush()
    needs = await households.note_needs(
        session,
        actor,
        household,
        data.needs,
        source="application",
        source_id=application_id,
        noted_on=data.applied_on,
    )
    if report is not None:
        await reports.convert(session, actor, report.id, household.id)
    opened = await _open_hardship_deadlines(session, application, household)
    await _recorded(session, actor, application, "file", recipients=[])
    return Filed(application, household.status, [filing], needs, opened)


async def _open_hardship_deadlines(
    session: WriteSession, application: Application, household: households.HouseholdRef
) -> list[Deadline]:
    """A hardship learned of: a home visit within 1 working day and the ledger within 2
    (Yubei 3(5)); a household in the ledger already meets the second on that very day.
    Returns the deadlines opened."""
    learned = application.hardship_learned_on
    if learned is None:
        return []
    opened = await deadlines.open_deadlines(
        session,
        [Kind.visit_after_hardship, Kind.ledger_after_hardship],
        learned,
        region_code=application.region_code,
        household_id=application.household_id,
        application_id=application.id,
        responsible_user_id=application.filed_by,
    )
    if household.status == "active":
        # The only undone ledger deadline of a new application is the one just opened.
        deadlines.mark_done(
            session, [d for d in opened if d.kind == Kind.ledger_after_hardship], learned
        )
    return opened


async def visible(
    session: ReadSession, actor: Actor, application_id: uuid.UUID, *, for_update: bool = False
) -> Application:
    """The application if its household is in the actor's reach; 404 otherwise (a refusal
    when it exists)."""
    found = await repository.get_visible(
        session, actor.reach, application_id, for_update=for_update
    )
    if found is None:
        error = NotFound("申请", "application")
        if await repository.exists_anywhere(session, application_id):
            raise error.refusing(
                action="application.read", object_type=OBJECT, object_id=str(application_id)
            )
        raise error
    return found


async def _check_step(
    session: WriteSession,
    actor: Actor,
    application: Application,
    step: ApplicationStep,
    data: ActionIn,
) -> None:
    _not_future(data.effective_on, actor, ["body", "effective_on"])
    previous = await repository.last_effective_on(session, application.id)
    if previous is not None and data.effective_on < previous:
        raise ValidationFailed.at(
            ["body", "effective_on"], "too_early", earliest=previous.isoformat()
        )
    table = _REASONS.get(step)
    if table is None:
        if data.reason is not None:
            raise ValidationFailed.at(["body", "reason"], "not_allowed")
        return
    if data.reason is None:
        raise ValidationFailed.at(["body", "reason"], "missing")
    if await unknown_codes(session, table, [data.reason]):
        raise ValidationFailed.at(["body", "reason"], "unknown_code")
    if data.reason == "other" and not data.note:
        raise ValidationFailed.at(["body", "note"], "missing")


async def act(
    session: WriteSession,
    actor: Actor,
    application_id: uuid.UUID,
    step: ApplicationStep,
    data: ActionIn,
    expected_version: int,
) -> uuid.UUID:
    """Take one step of the application (see the module)."""
    application = await visible(session, actor, application_id, for_update=True)
    check_version(expected_version, application.version)
    before = ApplicationStatus(application.status)
    after = MACHINE.next(before, step)
    household = await households.writable(session, actor, application.household_id)
    if step is ApplicationStep.withdraw:
        _refuse_grid_worker(
            actor, await households.paired_worker_of(session, household.id), str(household.id)
        )
    await _check_step(session, actor, application, step, data)
    day = data.effective_on
    if step is ApplicationStep.accept:
        await _accept(session, actor, application, household, day)
    elif (
        step in (ApplicationStep.reject, ApplicationStep.withdraw) and household.status == "pending"
    ):
        await households.decline(session, actor, household)
    elif step is ApplicationStep.approve:
        application.approved_on = day
        await deadlines.open_deadline(
            session,
            Kind.visit_after_approval,
            day,
            region_code=application.region_code,
            household_id=application.household_id,
            application_id=application.id,
            responsible_user_id=_by(actor),
        )
    application.status = after.value
    application.version += 1
    session.add(
        ApplicationTransition(
            application_id=application.id,
            action=step.value,
            from_status=before.value,
            to_status=after.value,
            actor_id=_by(actor),
            effective_on=day,
            reason=data.reason,
            note=data.note,
        )
    )
    await _recorded(session, actor, application, step.value, recipients=[application.filed_by])
    return application.id


async def _accept(
    session: WriteSession,
    actor: Actor,
    application: Application,
    household: households.HouseholdRef,
    day: date,
) -> None:
    """受理: a proxy application needs the household's authorisation in its file; a pending
    household enters the ledger on the day; the ledger deadlines of the application, the
    household and the report it came from are met on it; and its needs are pushed (推送) to
    the organisations the routing table names for them (Yubei 3(5): 一门受理、协同办理)."""
    if application.mode in PROXY_MODES:
        document = application.authorisation_document_id
        if document is None or not await households.has_document(
            session, household.id, document, AUTHORISATION
        ):
            document = await households.latest_document(session, household.id, AUTHORISATION)
        if document is None:
            raise AuthorisationRequired()
        application.authorisation_document_id = document
    if household.status == "pending":
        await households.admit(session, actor, household, day)
    await deadlines.meet(
        session,
        LEDGER_ENTRIES,
        day,
        household_id=household.id,
        application_id=application.id,
        discovery_report_id=application.discovery_report_id,
    )
    await push_application_needs(session, actor, household, application.id, day)


class AssessmentSubject(NamedTuple):
    """What an eligibility assessment reads of the application it assesses (DOMAIN 5): its
    household, its date D (提出申请之月 decides the window and the policy) and its state."""

    household_id: uuid.UUID
    applied_on: date
    status: str


async def assessment_subject(
    session: WriteSession, actor: Actor, application_id: uuid.UUID
) -> AssessmentSubject | None:
    """The application, locked, if its household is in the actor's reach; None otherwise
    (the assessment answers its own 422: the id is a field of its body)."""
    found = await repository.get_visible(session, actor.reach, application_id, for_update=True)
    if found is None:
        return None
    return AssessmentSubject(found.household_id, found.applied_on, found.status)


async def assessed_by(
    session: WriteSession, actor: Actor, application_id: uuid.UUID, assessment_id: uuid.UUID
) -> None:
    """Take the `assess` step of an application under investigation because a conclusive
    eligibility assessment of it was stored, today, noting the assessment; in the
    assessment's transaction."""
    application = await visible(session, actor, application_id, for_update=True)
    step = ActionIn(
        effective_on=actor.today, note=f"资格评估 / eligibility assessment {assessment_id}"
    )
    await act(session, actor, application_id, ApplicationStep.assess, step, application.version)


def payload(application: Application) -> dict[str, Any]:
    """The thin payload of an application's events: ids, status, region."""
    return {
        "application_id": str(application.id),
        "household_id": str(application.household_id),
        "version": application.version,
        "status": application.status,
        "region_code": application.region_code,
    }


async def _recorded(
    session: WriteSession,
    actor: Actor,
    application: Application,
    step: str,
    *,
    recipients: list[uuid.UUID],
) -> None:
    """The audit event, the domain event `application.<status>` and the inbox items."""
    await session.flush()
    await audit.record(
        session,
        actor.context,
        f"application.{step}",
        object_type=OBJECT,
        object_id=str(application.id),
        region_code=application.region_code,
        changed_fields=["status"],
    )
    notify(
        session,
        f"application.{application.status}",
        payload(application),
        recipients=recipients,
        subject_type=OBJECT,
        subject_id=application.id,
        household_id=application.household_id,
    )
