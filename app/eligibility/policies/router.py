"""Policy versions (`/api/v1/policies`, DOMAIN 5): district officers create, edit and publish
in their jurisdiction; officers, community and social workers, admins and auditors read."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.core.auth import Actor, actor_for
from app.core.dates import Day
from app.core.errors import (
    AppError,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
)
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.eligibility.models import PolicyVersion
from app.eligibility.policies import repository, service
from app.eligibility.policies.errors import PolicyNotDraft, PolicyOverlap
from app.eligibility.policies.schemas import PolicyIn, PolicyOut, PolicyPatch
from app.eligibility.policies.states import PolicyVersionStatus, Step
from app.eligibility.policies.views import policy_out

router = api_router(prefix=API_V1, tags=["reference data"])
POLICIES = "/policies"
ONE = POLICIES + "/{policy_id:uuid}"
PolicyId = Annotated[uuid.UUID, Path(description="Policy version id.")]
Reader = Annotated[Actor, Depends(actor_for(Action.policies_read))]
Writer = Annotated[Actor, Depends(actor_for(Action.policies_write))]
_WRITE_ERRORS = (NotFound, ValidationFailed, PreconditionFailed, PreconditionRequired)


def _answer(version: PolicyVersion, response: Response) -> PolicyOut:
    response.headers["ETag"] = etag_for_version(version.version)
    return policy_out(version)


@router.get(
    POLICIES,
    response_model=Page[PolicyOut],
    summary="Policy versions that bear on your region, oldest first",
    description="Region staff see the versions of their region, its ancestors and its subtree; "
    "admins, social workers and auditors see all. Filters: `region` (versions that apply in it "
    "or inside its subtree), `status`, `in_force_on` (the window holds the day; with "
    "`status=published`, the versions actually in force).",
    responses=protected_problems(ValidationFailed),
)
async def policies_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    region: Annotated[
        str | None,
        Query(
            pattern=CODE_PATTERN,
            description="Only versions that apply in this region or inside its subtree.",
        ),
    ] = None,
    status: Annotated[
        PolicyVersionStatus | None, Query(description="Only versions in this status.")
    ] = None,
    in_force_on: Annotated[
        Day | None, Query(description="Only versions whose window holds this day.")
    ] = None,
) -> Page[PolicyOut]:
    found, cursor = await repository.page(
        session,
        page,
        scope=service.read_scope(actor),
        region=region,
        status=None if status is None else status.value,
        in_force_on=in_force_on,
    )
    return Page(items=[policy_out(version) for version in found], next_cursor=cursor)


@router.get(
    ONE,
    response_model=PolicyOut,
    summary="One policy version (ETag: its version)",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def policies_get(
    policy_id: PolicyId, actor: Reader, response: Response, session: ReadDbSession
) -> PolicyOut:
    return _answer(await service.visible(session, actor, policy_id), response)


@router.post(
    POLICIES,
    response_model=PolicyOut,
    status_code=201,
    summary="Create a draft policy version (district officers, in their jurisdiction)",
    description="Multipliers default to 1, 2, 5 and 1.5, residency to 2 years, rigid kinds to "
    "medical, education and disaster. 422 when the window ends before it starts, the "
    "multipliers are out of order (`multiplier_order`), the weights do not add up to 100 "
    "(`weights_total`), a rigid kind is unknown, or the region is outside your jurisdiction.",
    responses={**sends(201, ETAG, LOCATION), **protected_problems(ValidationFailed)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def policies_create(
    actor: Writer, response: Response, session: DbSession, body: PolicyIn
) -> PolicyOut:
    version = await service.create(session, actor, body)
    response.headers["Location"] = f"{API_V1}{POLICIES}/{version.id}"
    return _answer(version, response)


@router.patch(
    ONE,
    response_model=PolicyOut,
    summary="Change a draft policy version (If-Match)",
    description="Only the fields given change. A published or retired version never changes "
    "(409 `policy_not_draft`): an assessment may have used it.",
    responses={**sends(200, ETAG), **protected_problems(*_WRITE_ERRORS, PolicyNotDraft)},
)
async def policies_update(
    policy_id: PolicyId,
    actor: Writer,
    response: Response,
    session: DbSession,
    body: PolicyPatch,
    expected: ExpectedVersion,
) -> PolicyOut:
    return _answer(await service.update(session, actor, policy_id, body, expected), response)


_STEPS: dict[Step, tuple[str, str, tuple[type[AppError], ...]]] = {
    Step.publish: (
        "Publish a draft policy version (If-Match)",
        "From `draft`. 409 `policy_overlap` (naming `conflicting_id`) when a published version "
        "of the same region is in force on any day of its window; windows are inclusive, so "
        "one may start the day after another ends. Versions of a region and of its subregions "
        "may overlap: the most specific applies.",
        (PolicyOverlap,),
    ),
    Step.retire: (
        "Retire a published policy version (If-Match)",
        "From `published`. A retired version is history: it stays readable, is no longer in "
        "force, and frees its window for another version of its region.",
        (),
    ),
}


def _step_route(
    step: Step, summary: str, description: str, errors: tuple[type[AppError], ...]
) -> None:
    async def take(
        policy_id: PolicyId,
        actor: Writer,
        response: Response,
        session: DbSession,
        expected: ExpectedVersion,
    ) -> PolicyOut:
        return _answer(await service.act(session, actor, policy_id, step, expected), response)

    router.post(
        f"{ONE}/{step.value}",
        response_model=PolicyOut,
        name=f"policies_{step.value}",
        summary=summary,
        description=description,
        responses={
            **sends(200, ETAG),
            **protected_problems(*_WRITE_ERRORS, InvalidTransition, *errors),
        },
    )(take)


for _step, (_summary, _description, _errors) in _STEPS.items():
    _step_route(_step, _summary, _description, _errors)
