"""Who looks after a household: agency assignment, paired worker, plan."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Response

from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, OptionalExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession
from app.households.errors import HouseholdDeclined, HouseholdExited, PlanNotFound
from app.households.http import (
    HOUSEHOLD,
    HOUSEHOLDS,
    PERSONAL_READ,
    WRITE_HEADERS,
    HouseholdId,
    LedgerReader,
    LedgerWriter,
    answer_household_version,
    household_written,
)
from app.households.record.schemas import HouseholdOut
from app.households.record.views import household_out
from app.households.stewardship import assignments, plans, views
from app.households.stewardship.schemas import (
    AssignmentIn,
    AssignmentOut,
    PairingIn,
    PlanIn,
    PlanOut,
)

router = api_router(prefix=HOUSEHOLDS + HOUSEHOLD, tags=["ledger"])
Assigner = Annotated[Actor, Depends(actor_for(Action.households_assign))]
Pairer = Annotated[Actor, Depends(actor_for(Action.households_pair))]


@router.get(
    "/assignments",
    response_model=Page[AssignmentOut],
    summary="Assignments of a household to social-work agencies, newest first",
    description="Order: newest first (by id, which is time-ordered); paged by cursor.",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def household_assignments_list(
    household_id: HouseholdId, actor: LedgerReader, session: ReadDbSession, page: PageParams
) -> Page[AssignmentOut]:
    found, cursor = await assignments.list_for(session, actor, household_id, page)
    return Page(items=await views.assignments_out(session, found), next_cursor=cursor)


@router.post(
    "/assignments",
    response_model=AssignmentOut,
    status_code=201,
    summary="Assign a household to a social-work agency and worker (street officers)",
    responses={
        **household_written(201, LOCATION),
        **protected_problems(NotFound, ValidationFailed, HouseholdExited, HouseholdDeclined),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def household_assignments_create(
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
    answer_household_version(response, session, household_id)
    return await views.assignment_out(session, assignment)


@router.delete(
    "/assignments/{assignment_id:uuid}",
    status_code=204,
    summary="End the current assignment (street officers)",
    responses={
        **household_written(204, description="Ended; the headers give the household's new ETag."),
        **protected_problems(NotFound, ValidationFailed),
    },
)
async def household_assignments_end(
    household_id: HouseholdId,
    assignment_id: Annotated[uuid.UUID, Path(description="Assignment id.")],
    actor: Assigner,
    session: DbSession,
) -> Response:
    await assignments.end(session, actor, household_id, assignment_id)
    response = Response(status_code=204)
    answer_household_version(response, session, household_id)
    return response


@router.put(
    "/paired-worker",
    response_model=HouseholdOut,
    summary="Pair a community or grid worker with the household (对口帮扶; If-Match)",
    responses={
        **household_written(200, ETAG),
        **protected_problems(
            *PERSONAL_READ,
            PreconditionFailed,
            PreconditionRequired,
            HouseholdExited,
            HouseholdDeclined,
        ),
    },
)
async def household_paired_worker_set(
    household_id: HouseholdId,
    actor: Pairer,
    response: Response,
    session: DbSession,
    body: PairingIn,
    expected: ExpectedVersion,
) -> HouseholdOut:
    household = await assignments.pair(session, actor, household_id, body.worker_id, expected)
    response.headers["ETag"] = etag_for_version(household.version)
    answer_household_version(response, session, household.id)
    return await household_out(session, actor, household)


@router.get(
    "/plan",
    response_model=PlanOut,
    summary="The household's current plan (一户一策)",
    description="`plan_not_found` (404) when the household, visible to you, has no plan yet.",
    responses={**sends(200, ETAG), **protected_problems(*PERSONAL_READ, PlanNotFound)},
)
async def household_plan_get(
    household_id: HouseholdId, actor: LedgerReader, response: Response, session: ReadDbSession
) -> PlanOut:
    plan = await plans.current(session, actor, household_id)
    response.headers["ETag"] = etag_for_version(plan.revision)
    return await views.plan_out(session, plan)


@router.get(
    "/plan/versions",
    response_model=Page[PlanOut],
    summary="Every version of the household's plan, newest first",
    description="Order: newest (highest `revision`) first; paged by cursor.",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_plan_versions_list(
    household_id: HouseholdId, actor: LedgerReader, session: ReadDbSession, page: PageParams
) -> Page[PlanOut]:
    found, cursor = await plans.versions(session, actor, household_id, page)
    return Page(items=await views.plans_out(session, found), next_cursor=cursor)


@router.put(
    "/plan",
    response_model=PlanOut,
    summary="Write the next version of the plan (If-Match once a plan exists)",
    response_description="A later version of the plan.",
    description="`ETag` is the plan's revision; `X-Household-ETag` the household's.",
    responses={
        **household_written(200, ETAG),
        201: {
            "model": PlanOut,
            "description": "The first version: the plan is created (`Location` names it).",
            "headers": {**WRITE_HEADERS, **ETAG, **LOCATION},
        },
        **protected_problems(
            *PERSONAL_READ,
            PreconditionFailed,
            PreconditionRequired,
            HouseholdExited,
            HouseholdDeclined,
        ),
    },
)
async def household_plan_revise(
    household_id: HouseholdId,
    actor: LedgerWriter,
    response: Response,
    session: DbSession,
    body: PlanIn,
    expected: OptionalExpectedVersion,
) -> PlanOut:
    plan = await plans.revise(session, actor, household_id, body, expected)
    response.headers["ETag"] = etag_for_version(plan.revision)
    answer_household_version(response, session, household_id)
    if plan.revision == 1:
        response.status_code = 201
        response.headers["Location"] = f"/api/v1/households/{household_id}/plan"
    return await views.plan_out(session, plan)
