"""Applications as each reader may see them: actors named, free text masked for roles that
see masked data (grid workers, even of what they entered: DOMAIN 1)."""

from collections.abc import Sequence

from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.masking import PersonalField, shown
from app.households import public as households
from app.identity.public import ActorKey, actor_refs
from app.intake.applications import repository
from app.intake.applications.schemas import (
    ApplicationDeadlineOut,
    ApplicationOut,
    ApplicationSummary,
    NeedOut,
    StepTaken,
    TransitionOut,
)
from app.intake.applications.states import MACHINE, ApplicationStatus, ApplicationStep
from app.intake.models import Application, ApplicationTransition, Deadline
from app.referrals.public import application_referrals


async def application_out(
    session: ReadSession,
    actor: Actor,
    application: Application,
    *,
    household_status: str | None = None,
    steps: Sequence[ApplicationTransition] | None = None,
    needs: Sequence[households.NeedInstance] | None = None,
    deadlines: Sequence[Deadline] | None = None,
) -> ApplicationOut:
    """The application with its whole story: the steps, the needs it noted (as they stand
    now), the deadlines it started. Further parts of the story (referrals) join here as
    lists of their own. The household's status and the parts of the story the caller holds
    (a filing has just written them all) are not read again."""
    # Held parts in the order the reads give: steps and deadlines by id, needs by (day, id).
    if steps is None:
        steps = await repository.transitions(session, application.id)
    else:
        steps = sorted(steps, key=lambda s: s.id)
    if needs is None:
        needs = await households.need_instances(
            session, application.household_id, source="application", source_id=application.id
        )
    else:
        needs = sorted(needs, key=lambda n: (n.noted_on, n.id))
    if deadlines is None:
        found: Sequence[Deadline] = await repository.deadlines(session, application.id)
    else:
        found = sorted(deadlines, key=lambda d: d.id)
    if household_status is None:
        household_status = (
            await households.visible(session, actor, application.household_id)
        ).status
    referrals = await application_referrals(session, application.id, actor.today)
    unrouted: list[str] = []
    if any(s.action == ApplicationStep.accept.value for s in steps):
        referred = {r.need_id for r in referrals}
        unrouted = sorted(
            {n.code for n in needs if n.status in households.LIVE_NEEDS and n.id not in referred}
        )
    keys: list[ActorKey] = [application.filed_by]
    keys += [s.actor_id for s in steps] + [n.noted_by for n in needs]
    refs = await actor_refs(session, keys)
    viewer = actor.viewer
    return ApplicationOut(
        id=application.id,
        version=application.version,
        status=ApplicationStatus(application.status),
        allowed=[
            ApplicationStep(a) for a in MACHINE.allowed(ApplicationStatus(application.status))
        ],
        household_id=application.household_id,
        household_status=household_status,
        region_code=application.region_code,
        mode=application.mode,
        channel=application.channel,
        applied_on=application.applied_on,
        applicant_person_id=application.applicant_person_id,
        proxy_organization_id=application.proxy_organization_id,
        authorisation_document_id=application.authorisation_document_id,
        discovery_report_id=application.discovery_report_id,
        created_household=application.created_household,
        situation=shown(application.situation, PersonalField.text, viewer),
        hardship_kind=application.hardship_kind,
        hardship_learned_on=application.hardship_learned_on,
        filed_by=refs[application.filed_by],
        filed_at=application.filed_at,
        approved_on=application.approved_on,
        transitions=[
            TransitionOut(
                action=StepTaken(s.action),
                from_status=None if s.from_status is None else ApplicationStatus(s.from_status),
                to_status=ApplicationStatus(s.to_status),
                by=refs[s.actor_id],
                at=s.at,
                effective_on=s.effective_on,
                reason=s.reason,
                note=shown(s.note, PersonalField.text, viewer),
            )
            for s in steps
        ],
        needs=[
            NeedOut(
                id=n.id,
                code=n.code,
                status=n.status,
                noted_on=n.noted_on,
                source=n.source,
                source_id=n.source_id,
                noted_by=refs[n.noted_by],
            )
            for n in needs
        ],
        deadlines=[
            ApplicationDeadlineOut(
                id=d.id,
                kind=d.kind,
                status=d.status,
                triggered_on=d.triggered_on,
                due_on=d.due_on,
                done_on=d.done_on,
                provisional=d.provisional,
            )
            for d in found
        ],
        referrals=referrals,
        unrouted_needs=unrouted,
    )


async def summaries(
    session: ReadSession, applications: Sequence[Application]
) -> list[ApplicationSummary]:
    refs = await actor_refs(session, [a.filed_by for a in applications])
    return [
        ApplicationSummary(
            id=a.id,
            version=a.version,
            status=ApplicationStatus(a.status),
            household_id=a.household_id,
            region_code=a.region_code,
            mode=a.mode,
            channel=a.channel,
            applied_on=a.applied_on,
            filed_by=refs[a.filed_by],
            filed_at=a.filed_at,
        )
        for a in applications
    ]
