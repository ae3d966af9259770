"""Eligibility assessments (DOMAIN 5): officers and community workers run them on the
households of their jurisdiction; those and social workers and auditors read them (finances
are personal data: the social-worker confidentiality gate applies); district and street
officers accept a finding onto the ledger."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Response

from app.core.auth import Actor, actor_for
from app.core.openapi import LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.eligibility.assessments import service
from app.eligibility.assessments.errors import (
    ApplicationNotAssessable,
    AssessmentAlreadyAccepted,
    AssessmentInconclusive,
    AssessmentInputsChanged,
    AssessmentSuperseded,
    NoPolicyInForce,
)
from app.eligibility.assessments.schemas import AssessmentIn, AssessmentOut, AssessmentSummary
from app.eligibility.assessments.views import assessment_out, assessment_summary
from app.households.public import PERSONAL_READ, HouseholdId, audit_read

router = api_router(prefix=API_V1, tags=["eligibility"])
OF_HOUSEHOLD = "/households/{household_id:uuid}/assessments"
ASSESSMENTS = "/assessments"
ONE = ASSESSMENTS + "/{assessment_id:uuid}"
AssessmentId = Annotated[uuid.UUID, Path(description="Assessment id.")]
Runner = Annotated[Actor, Depends(actor_for(Action.assessments_run))]
Reader = Annotated[Actor, Depends(actor_for(Action.assessments_read))]
Decider = Annotated[Actor, Depends(actor_for(Action.households_decide))]


@router.post(
    OF_HOUSEHOLD,
    response_model=AssessmentOut,
    status_code=201,
    summary="Assess a household for the new target types (DOMAIN 5), rule by rule",
    description="Give `application_id` (an application of the household under investigation "
    "or assessed; D is its `applied_on`) or `reference_date` (a re-check; not in the future). "
    "The policy version in force on D for the household's region decides (409 "
    "`no_policy_in_force`); the inputs are read from the ledger as of D. The stored "
    "assessment never changes: every input figure (members' ages on D), every rule with its "
    "figures, threshold, comparison, pass/fail and explanation in Chinese and English, the "
    "priority score's factors for eligible outcomes, and a fingerprint of the inputs. It "
    "supersedes the household's previous assessment. A conclusive outcome (any but "
    "`cannot_assess`) moves an application under investigation to `assessed`. 409 "
    "`application_not_assessable` for an application in another state; 422 when the "
    "application is not of this household.",
    responses={
        **sends(201, LOCATION),
        **protected_problems(*PERSONAL_READ, NoPolicyInForce, ApplicationNotAssessable),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def household_assessments_create(
    household_id: HouseholdId,
    actor: Runner,
    response: Response,
    session: DbSession,
    body: AssessmentIn,
) -> AssessmentOut:
    found = await service.create(session, actor, household_id, body)
    response.headers["Location"] = f"{API_V1}{ASSESSMENTS}/{found.assessment.id}"
    return assessment_out(found)


@router.get(
    OF_HOUSEHOLD,
    response_model=Page[AssessmentSummary],
    summary="A household's assessments, newest first",
    description="Each with its outcome, score, whether it is current and its summary "
    "sentence; `GET /assessments/{id}` shows the rules. The read is audited.",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_assessments_list(
    household_id: HouseholdId, actor: Reader, session: ReadDbSession, page: PageParams
) -> Page[AssessmentSummary]:
    found, cursor = await service.history(session, actor, household_id, page)
    audit_read(session, actor, "assessment.list.read", subject=("household", household_id))
    return Page(items=[assessment_summary(a) for a in found], next_cursor=cursor)


@router.get(
    ONE,
    response_model=AssessmentOut,
    summary="One assessment: why the household was or was not eligible, rule by rule",
    description="Everything stored, the policy version used, whether it is current, and "
    "`inputs_changed_since`: the ledger's inputs for the household on D gathered again now "
    "and compared by fingerprint. `summary` gives the outcome and the decisive rule(s) in "
    "Chinese and English. The read is audited.",
    responses=protected_problems(*PERSONAL_READ),
)
async def assessments_get(
    assessment_id: AssessmentId, actor: Reader, session: ReadDbSession
) -> AssessmentOut:
    found = await service.detail(session, actor, assessment_id)
    audit_read(
        session,
        actor,
        "assessment.read",
        region_code=found.assessment.region_code,
        subject=("assessment", assessment_id),
    )
    return assessment_out(found)


@router.post(
    f"{ONE}/accept",
    response_model=AssessmentOut,
    summary="Set an assessment's finding on the ledger (district and street officers)",
    description="Income or expenditure poverty becomes the household's assessed target type, "
    "with the assessment as its source; not_eligible and refer_to_dibao end the assessed types "
    "it holds. 409 `assessment_superseded` unless it is the household's current assessment, "
    "`assessment_inputs_changed` when the ledger's inputs on D differ now, "
    "`assessment_inconclusive` for cannot_assess and already_registered, "
    "`assessment_already_accepted`; 422 `registered_type_held` for a household holding dibao, "
    "tekun or registered hardship. The assessment's figures never change.",
    responses=protected_problems(
        *PERSONAL_READ,
        AssessmentSuperseded,
        AssessmentInputsChanged,
        AssessmentInconclusive,
        AssessmentAlreadyAccepted,
    ),
)
async def assessments_accept(
    assessment_id: AssessmentId, actor: Decider, session: DbSession
) -> AssessmentOut:
    return assessment_out(await service.accept(session, actor, assessment_id))
