"""Who looks after a household: agency assignment, paired worker, plan; leaving and re-entering; completeness."""

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.confidentiality.service import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, OptionalExpectedVersion, etag_for_version
from app.core.openapi import protected_problems
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN, is_within
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.households import assignments, completeness, plans, status, views
from app.households.errors import InvalidTransition
from app.households.plan_schemas import (
    AssignmentIn,
    AssignmentOut,
    CompletenessOut,
    ExitIn,
    PairingIn,
    PlanIn,
    PlanOut,
    ReentryIn,
    RegionCompletenessOut,
)
from app.households.schemas import HouseholdOut

router = api_router(prefix=f"{API_V1}/households", tags=["ledger"])
Reader = Annotated[Actor, Depends(actor_for(Action.households_read))]
Writer = Annotated[Actor, Depends(actor_for(Action.households_write))]
Assigner = Annotated[Actor, Depends(actor_for(Action.households_assign))]
Pairer = Annotated[Actor, Depends(actor_for(Action.households_pair))]
Leaver = Annotated[Actor, Depends(actor_for(Action.households_exit))]
HouseholdId = Annotated[uuid.UUID, Path(description="Household id.")]
_SCOPED = (NotFound, ValidationFailed, ConfidentialityAgreementRequired)


@router.get(
    "/completeness",
    response_model=CompletenessOut,
    summary="Share of complete records per child region of a subtree (district spot-checks, Beijing 7)",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def completeness_report(
    actor: Annotated[Actor, Depends(actor_for(Action.ledger_quality_read))],
    session: ReadDbSession,
    region: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Region; default your own scope.")
    ] = None,
) -> CompletenessOut:
    scope = actor.principal.scope_region
    code = region or scope
    if code is None or (scope is not None and not is_within(code, scope)):
        raise NotFound("区划", "region")
    rows = await completeness.by_region(session, code)
    total = sum(r.households for r in rows)
    done = sum(r.complete for r in rows)
    return CompletenessOut(
        region_code=code,
        households=total,
        complete=done,
        share=_share(done, total),
        regions=[
            RegionCompletenessOut(
                region_code=r.region_code,
                households=r.households,
                complete=r.complete,
                share=_share(r.complete, r.households),
            )
            for r in rows
        ],
    )


def _share(done: int, total: int) -> str:
    return str((Decimal(done) / Decimal(total)).quantize(Decimal("0.0001"))) if total else "0"


@router.get(
    "/{household_id}/assignments",
    response_model=list[AssignmentOut],
    summary="Assignments of a household to social-work agencies, newest first",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def list_assignments(
    household_id: HouseholdId, actor: Reader, session: ReadDbSession
) -> list[AssignmentOut]:
    return [
        AssignmentOut.model_validate(a)
        for a in await assignments.list_for(session, actor, household_id)
    ]


@router.post(
    "/{household_id}/assignments",
    response_model=AssignmentOut,
    status_code=201,
    summary="Assign a household to a social-work agency and worker (street officers)",
    responses=protected_problems(NotFound, ValidationFailed),
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def assign_household(
    household_id: HouseholdId,
    actor: Assigner,
    response: Response,
    session: DbSession,
    body: AssignmentIn,
) -> AssignmentOut:
    assignment = await assignments.assign(
        session, actor, household_id, body.agency_id, body.social_worker_id
    )
    response.headers["Location"] = f"/api/v1/households/{household_id}/assignments/{assignment.id}"
    return AssignmentOut.model_validate(assignment)


@router.delete(
    "/{household_id}/assignments/{assignment_id}",
    status_code=204,
    summary="End the current assignment (street officers)",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def end_assignment(
    household_id: HouseholdId,
    assignment_id: Annotated[uuid.UUID, Path(description="Assignment id.")],
    actor: Assigner,
    session: DbSession,
) -> Response:
    await assignments.end(session, actor, household_id, assignment_id)
    return Response(status_code=204)


@router.put(
    "/{household_id}/paired-worker",
    response_model=HouseholdOut,
    summary="Pair a community or grid worker with the household (对口帮扶; If-Match)",
    responses=protected_problems(*_SCOPED, PreconditionFailed, PreconditionRequired),
)
async def pair_worker(
    household_id: HouseholdId,
    actor: Pairer,
    response: Response,
    session: DbSession,
    body: PairingIn,
    expected: ExpectedVersion,
) -> HouseholdOut:
    household = await assignments.pair(session, actor, household_id, body.worker_id, expected)
    response.headers["ETag"] = etag_for_version(household.version)
    return await views.household_out(session, actor, household)


@router.get(
    "/{household_id}/plan",
    response_model=PlanOut,
    summary="The household's current plan (一户一策)",
    responses=protected_problems(*_SCOPED),
)
async def get_plan(
    household_id: HouseholdId, actor: Reader, response: Response, session: ReadDbSession
) -> PlanOut:
    plan = await plans.current(session, actor, household_id)
    response.headers["ETag"] = etag_for_version(plan.revision)
    return PlanOut.model_validate(plan)


@router.get(
    "/{household_id}/plan/versions",
    response_model=list[PlanOut],
    summary="Every version of the household's plan, newest first",
    responses=protected_problems(*_SCOPED),
)
async def plan_versions(
    household_id: HouseholdId, actor: Reader, session: ReadDbSession
) -> list[PlanOut]:
    return [PlanOut.model_validate(p) for p in await plans.versions(session, actor, household_id)]


@router.put(
    "/{household_id}/plan",
    response_model=PlanOut,
    summary="Write the next version of the plan (If-Match once a plan exists)",
    response_description="A later version of the plan.",
    responses={
        201: {
            "model": PlanOut,
            "description": "The first version: the plan is created (`Location` names it).",
        },
        **protected_problems(*_SCOPED, PreconditionFailed, PreconditionRequired),
    },
)
async def revise_plan(
    household_id: HouseholdId,
    actor: Writer,
    response: Response,
    session: DbSession,
    body: PlanIn,
    expected: OptionalExpectedVersion,
) -> PlanOut:
    plan = await plans.revise(session, actor, household_id, body, expected)
    response.headers["ETag"] = etag_for_version(plan.revision)
    if plan.revision == 1:
        response.status_code = 201
        response.headers["Location"] = f"/api/v1/households/{household_id}/plan"
    return PlanOut.model_validate(plan)


@router.post(
    "/{household_id}/exit",
    response_model=HouseholdOut,
    summary="The household leaves the ledger with a reason (Beijing 5)",
    responses=protected_problems(*_SCOPED, InvalidTransition),
)
async def exit_household(
    household_id: HouseholdId, actor: Leaver, response: Response, session: DbSession, body: ExitIn
) -> HouseholdOut:
    household = await status.exit_ledger(
        session, actor, household_id, reason=body.reason, note=body.note, exited_on=body.exited_on
    )
    response.headers["ETag"] = etag_for_version(household.version)
    return await views.household_out(session, actor, household)


@router.post(
    "/{household_id}/reentry",
    response_model=HouseholdOut,
    summary="An exited household re-enters the ledger (Beijing 5)",
    responses=protected_problems(*_SCOPED, InvalidTransition),
)
async def reenter_household(
    household_id: HouseholdId,
    actor: Leaver,
    response: Response,
    session: DbSession,
    body: ReentryIn,
) -> HouseholdOut:
    household = await status.reenter(session, actor, household_id, note=body.note)
    response.headers["ETag"] = etag_for_version(household.version)
    return await views.household_out(session, actor, household)
