"""Assessments (DOMAIN 5): an assessment of a household on a reference date D, stored once
and never changed; its finding set on the ledger when an officer accepts it.

Running one: D is the date of the application assessed (提出申请之月 decides the window,
the policy and the residency date) or the re-check's named day; the policy version in force
on D for the household's region decides (409 `no_policy_in_force` without one); the inputs
are gathered as of D (`eligibility.gather`), decided by the pure rules (`assess`, `score`)
and fingerprinted. The row keeps every input figure, every rule with its figures and both
explanations, and the score's factors. The household's previous assessment is superseded by
it in the same transaction (under the household's lock, so a household has one current
assessment). A conclusive assessment of an application under investigation moves the
application to `assessed` (`intake.public.record_application_assessed`).

Accepting one sets its finding on the ledger through the ledger's decision path
(`households.public.record_assessed_types`), with the assessment as the source: only the
current one, only while the ledger still gives the same inputs, only once.
"""

import uuid
from datetime import date
from typing import NamedTuple

from app.core import audit, events
from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, new_id, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.pagination import PageRequest
from app.eligibility.assessments import repository
from app.eligibility.assessments.documents import (
    contribution_document,
    inputs_document,
    rule_document,
)
from app.eligibility.assessments.errors import (
    ApplicationNotAssessable,
    AssessmentAlreadyAccepted,
    AssessmentInconclusive,
    AssessmentInputsChanged,
    AssessmentSuperseded,
    NoPolicyInForce,
)
from app.eligibility.assessments.schemas import AssessmentIn
from app.eligibility.gather import household_inputs
from app.eligibility.models import Assessment, PolicyVersion
from app.eligibility.policies.service import in_force, terms_of
from app.eligibility.rules import (
    Outcome,
    assess,
    fingerprint,
    per_capita_micro,
    score,
)
from app.households import public as households
from app.intake import public as intake

OBJECT = "assessment"
RECORDED = "assessment.recorded"
ACCEPTED = "assessment.accepted"
"""Domain events (thin payloads: ids, region, reference date)."""
UNDER_INVESTIGATION = intake.ApplicationStatus.under_investigation.value
ASSESSABLE = frozenset({UNDER_INVESTIGATION, intake.ApplicationStatus.assessed.value})
"""Application states an assessment reads (an assessed one may be looked at again)."""
FINDINGS: dict[Outcome, list[str]] = {
    Outcome.income_poverty: [Outcome.income_poverty.value],
    Outcome.expenditure_poverty: [Outcome.expenditure_poverty.value],
    Outcome.not_eligible: [],
    Outcome.refer_to_dibao: [],
}
"""The target types an accepted outcome sets on the ledger; [] ends the assessed types held.
`cannot_assess` and `already_registered` decide nothing to set."""


class Detail(NamedTuple):
    """An assessment as its answer shows it: the row, its policy version, and whether the
    ledger's inputs on D differ now."""

    assessment: Assessment
    policy: PolicyVersion
    inputs_changed_since: bool


def _by(actor: Actor) -> uuid.UUID | None:
    return None if actor.principal.is_client else actor.principal.id


class Subject(NamedTuple):
    """What is assessed: D, and the application when one is."""

    reference_date: date
    application_id: uuid.UUID | None = None
    application_status: str | None = None


async def _subject(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: AssessmentIn
) -> Subject:
    if data.application_id is None:
        assert data.reference_date is not None
        if data.reference_date > actor.today:
            raise ValidationFailed.in_body("reference_date", "date_in_future")
        return Subject(data.reference_date)
    found = await intake.application_for_assessment(session, actor, data.application_id)
    if found is None:
        raise ValidationFailed.in_body("application_id", "not_found")
    if found.household_id != household_id:
        raise ValidationFailed.in_body("application_id", "other_household")
    if found.status not in ASSESSABLE:
        raise ApplicationNotAssessable(found.status)
    return Subject(found.applied_on, data.application_id, found.status)


async def create(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: AssessmentIn
) -> Detail:
    """Assess the household (see the module); the stored assessment."""
    household = await households.writable(session, actor, household_id)
    subject = await _subject(session, actor, household.id, data)
    day = subject.reference_date
    policy = await in_force(session, household.region_code, day)
    if policy is None:
        raise NoPolicyInForce(household.region_code, day)
    inputs = await household_inputs(session, household.id, day)
    terms = terms_of(policy)
    decision = assess(inputs, terms)
    priority = score(inputs, terms, decision)
    assessment = Assessment(
        id=new_id(),
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        application_id=subject.application_id,
        reference_date=day,
        policy_version_id=policy.id,
        outcome=decision.outcome.value,
        missing=list(decision.missing),
        member_count=decision.member_count,
        income_total=decision.income_total,
        rigid_total=decision.rigid_total,
        score=None if priority is None else priority.total,
        per_capita_micro=(
            None
            if priority is None
            else per_capita_micro(priority.income_total, priority.member_count)
        ),
        inputs=inputs_document(inputs),
        rules=[rule_document(rule) for rule in decision.rules],
        contributions=(
            None if priority is None else [contribution_document(c) for c in priority.contributions]
        ),
        fingerprint=fingerprint(inputs),
        created_by=_by(actor),
    )
    session.add(assessment)
    await session.flush()
    await repository.supersede(session, household.id, assessment.id)
    await _audited(session, actor, assessment, "create", ["outcome"])
    events.publish(session, RECORDED, _payload(assessment))
    if (
        subject.application_id is not None
        and subject.application_status == UNDER_INVESTIGATION
        and decision.outcome is not Outcome.cannot_assess
    ):
        await intake.record_application_assessed(
            session, actor, subject.application_id, assessment.id
        )
    return Detail(assessment, policy, False)


async def _visible(session: ReadSession, actor: Actor, assessment_id: uuid.UUID) -> Assessment:
    """The assessment if its household is in the actor's reach and the actor may read its
    personal data (finances are: the social-worker confidentiality gate); 404 otherwise."""
    found = await repository.get_visible(session, actor.reach, assessment_id)
    if found is None:
        error = NotFound("评估", "assessment")
        if await repository.exists_anywhere(session, assessment_id):
            raise error.refusing(
                action="assessment.read", object_type=OBJECT, object_id=str(assessment_id)
            )
        raise error
    await households.personal(session, actor, found.household_id)
    return found


async def inputs_changed(session: ReadSession, assessment: Assessment) -> bool:
    """Whether the ledger gives other inputs for the household on D now (DOMAIN 5: a later
    edit shows as "inputs changed since" rather than altering history)."""
    now = await household_inputs(session, assessment.household_id, assessment.reference_date)
    return fingerprint(now) != assessment.fingerprint


async def detail(session: ReadSession, actor: Actor, assessment_id: uuid.UUID) -> Detail:
    assessment = await _visible(session, actor, assessment_id)
    return Detail(
        assessment,
        await repository.policy_version(session, assessment.policy_version_id),
        await inputs_changed(session, assessment),
    )


async def history(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[Assessment], str | None]:
    """The household's assessments, newest first, if the actor may read its personal data."""
    household = await households.personal(session, actor, household_id)
    return await repository.page_of_household(session, household.id, page)


async def accept(session: WriteSession, actor: Actor, assessment_id: uuid.UUID) -> Detail:
    """Set the assessment's finding on the ledger (see the module)."""
    assessment = await _visible(session, actor, assessment_id)
    # The household first, then the assessment: the order `create` takes them in.
    await households.writable(session, actor, assessment.household_id)
    await session.refresh(assessment, with_for_update=True)
    outcome = Outcome(assessment.outcome)
    if outcome not in FINDINGS:
        raise AssessmentInconclusive()
    if assessment.accepted_at is not None:
        raise AssessmentAlreadyAccepted()
    if assessment.superseded_by is not None:
        raise AssessmentSuperseded()
    if await inputs_changed(session, assessment):
        raise AssessmentInputsChanged()
    await households.record_assessed_types(
        session, actor, assessment.household_id, FINDINGS[outcome], assessment.id
    )
    assessment.accepted_at, assessment.accepted_by = utcnow(), _by(actor)
    await session.flush()
    await _audited(session, actor, assessment, "accept", ["accepted_at", "accepted_by"])
    events.publish(session, ACCEPTED, _payload(assessment))
    policy = await repository.policy_version(session, assessment.policy_version_id)
    return Detail(assessment, policy, False)


def _payload(assessment: Assessment) -> dict[str, str | None]:
    return {
        "assessment_id": str(assessment.id),
        "household_id": str(assessment.household_id),
        "application_id": None
        if assessment.application_id is None
        else str(assessment.application_id),
        "region_code": assessment.region_code,
        "reference_date": assessment.reference_date.isoformat(),
    }


async def _audited(
    session: WriteSession, actor: Actor, assessment: Assessment, step: str, changed: list[str]
) -> None:
    await audit.record(
        session,
        actor.context,
        f"assessment.{step}",
        object_type=OBJECT,
        object_id=str(assessment.id),
        region_code=assessment.region_code,
        changed_fields=changed,
    )


async def count(session: ReadSession) -> int:
    """How many assessments there are (the demo seeds only into an empty table)."""
    return await repository.count(session)
