"""Applications at the one window (一门受理, DOMAIN 6): filing, reading, and their steps."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.core.auth import Actor, actor_for
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
from app.households.public import (
    PERSONAL_READ,
    HouseholdExited,
    PersonInAnotherHousehold,
    audit_read,
)
from app.intake.applications import repository, service
from app.intake.applications.errors import ApplicationOpen, AuthorisationRequired
from app.intake.applications.schemas import (
    ActionIn,
    ApplicationIn,
    ApplicationOut,
    ApplicationSummary,
)
from app.intake.applications.states import ApplicationStatus, ApplicationStep
from app.intake.applications.views import application_out, summaries
from app.intake.models import Application

router = api_router(prefix=API_V1, tags=["applications"])
APPLICATIONS = "/applications"
ONE = APPLICATIONS + "/{application_id:uuid}"
ApplicationId = Annotated[uuid.UUID, Path(description="Application id.")]
Reader = Annotated[Actor, Depends(actor_for(Action.applications_read))]
Filer = Annotated[Actor, Depends(actor_for(Action.applications_file))]


async def _shown(
    session: ReadDbSession | DbSession, actor: Actor, application_id: uuid.UUID, response: Response
) -> ApplicationOut:
    application = await service.visible(session, actor, application_id)
    return await _answer(session, actor, application, response)


async def _answer(
    session: ReadDbSession | DbSession,
    actor: Actor,
    application: Application,
    response: Response,
    filed: service.Filed | None = None,
) -> ApplicationOut:
    response.headers["ETag"] = etag_for_version(application.version)
    if filed is None:
        shown = await application_out(session, actor, application)
    else:
        shown = await application_out(
            session,
            actor,
            application,
            household_status=filed.household_status,
            steps=filed.steps,
            needs=filed.needs,
            deadlines=filed.deadlines,
        )
    audit_read(session, actor, "application.read", region_code=application.region_code)
    return shown


@router.post(
    APPLICATIONS,
    response_model=ApplicationOut,
    status_code=201,
    summary="File an application at the one window (一门受理)",
    description="For a household of your reach (`household_id`) or one entered with it "
    "(`household`, as `POST /households` takes it: `pending` until accepted). Proxy modes "
    "need the proxy organisation and the household's authorisation. The needs become need "
    "instances of the household; a hardship learned of opens the home-visit and ledger "
    "deadlines. A grid worker files only for households paired with it, enters no household, "
    "and sees the answer masked. 409 `application_open` while another application of the "
    "household is not final.",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(
            *PERSONAL_READ,
            ApplicationOpen,
            HouseholdExited,
            PersonInAnotherHousehold,
            InvalidTransition,
        ),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def applications_create(
    actor: Filer, response: Response, session: DbSession, body: ApplicationIn
) -> ApplicationOut:
    # Filed through `writable` in the actor's reach, so the actor sees it: answered from
    # what the filing wrote (the household's status, the step, needs and deadlines).
    filed = await service.file(session, actor, body)
    response.headers["Location"] = f"{API_V1}{APPLICATIONS}/{filed.application.id}"
    return await _answer(session, actor, filed.application, response, filed)


@router.get(
    APPLICATIONS,
    response_model=Page[ApplicationSummary],
    summary="Applications of households in your reach, in filing order",
    description="Oldest first (filing order: ids are time-ordered). Filters: `status`, "
    "`region` (a region's subtree), `household_id`. The read is audited.",
    responses=protected_problems(ValidationFailed),
)
async def applications_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    status: Annotated[
        ApplicationStatus | None, Query(description="Only applications in this state.")
    ] = None,
    region: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="Only households of this region's subtree."),
    ] = None,
    household_id: Annotated[
        uuid.UUID | None, Query(description="Only the applications of this household.")
    ] = None,
) -> Page[ApplicationSummary]:
    found, cursor = await repository.page(
        session,
        actor.reach,
        page,
        status=None if status is None else status.value,
        region=region,
        household_id=household_id,
    )
    audit_read(session, actor, "application.list.read", region_code=region)
    return Page(items=await summaries(session, found), next_cursor=cursor)


@router.get(
    ONE,
    response_model=ApplicationOut,
    summary="One application and its whole story (ETag: its version; the read is audited)",
    description="Every step (who, when, the day it happened, why), the need instances it "
    "noted as they stand now, and the deadlines it started. Free text is masked for roles "
    "that see masked data.",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def applications_get(
    application_id: ApplicationId, actor: Reader, response: Response, session: ReadDbSession
) -> ApplicationOut:
    return await _shown(session, actor, application_id, response)


_STEPS: dict[ApplicationStep, tuple[Action, str, str]] = {
    ApplicationStep.accept: (
        Action.applications_process,
        "Accept an application (受理): a pending household enters the ledger",
        "The household entered with it becomes `active` on `effective_on`; the ledger "
        "deadlines are met on that day. A proxy application needs the household's "
        "authorisation in its file (409 `authorisation_required`).",
    ),
    ApplicationStep.reject: (
        Action.applications_process,
        "Reject an application (不予受理) with a reason",
        "`reason`: a code of `application_rejection_reason`. A household entered with it "
        "becomes `declined`, and its open referrals are cancelled.",
    ),
    ApplicationStep.investigate: (
        Action.applications_process,
        "Start the investigation (调查核实) of an accepted application",
        "From `accepted`.",
    ),
    ApplicationStep.assess: (
        Action.applications_process,
        "Record that the investigated application is assessed (评估)",
        "From `under_investigation`.",
    ),
    ApplicationStep.approve: (
        Action.applications_decide,
        "Approve an assessed application",
        "`approved_on` becomes `effective_on`, and a home visit is due within 1 working day "
        "(a `visit_after_approval` deadline).",
    ),
    ApplicationStep.not_approve: (
        Action.applications_decide,
        "Decide not to approve an assessed application, with a reason",
        "`reason`: a code of `application_decision_reason`.",
    ),
    ApplicationStep.close: (
        Action.applications_process,
        "Close (办结) a decided application",
        "From `approved` or `not_approved`.",
    ),
    ApplicationStep.withdraw: (
        Action.applications_file,
        "Withdraw an application on the applicant's behalf",
        "Until a decision. Say why in `note`. Before acceptance, a household entered with it "
        "becomes `declined`, and its open referrals are cancelled.",
    ),
}


def _step_route(
    step: ApplicationStep, action: Action, summary: str, description: str
) -> Callable[..., Awaitable[ApplicationOut]]:
    dependency = actor_for(action)
    errors: list[type[AppError]] = [NotFound, ValidationFailed, PreconditionFailed]
    errors += [PreconditionRequired, InvalidTransition]
    if step is ApplicationStep.accept:
        errors.append(AuthorisationRequired)

    async def take(
        application_id: ApplicationId,
        actor: Annotated[Actor, Depends(dependency)],
        response: Response,
        session: DbSession,
        body: ActionIn,
        expected: ExpectedVersion,
    ) -> ApplicationOut:
        await service.act(session, actor, application_id, step, body, expected)
        return await _shown(session, actor, application_id, response)

    router.post(
        f"{ONE}/{step.value}",
        response_model=ApplicationOut,
        name=f"applications_{step.value}",
        summary=f"{summary} (If-Match)",
        description=f"{description} `effective_on` is the business day the step happened: "
        "not in the future, not before the previous step's. 409 `invalid_transition` lists "
        "the steps the application's state allows.",
        responses={**sends(200, ETAG), **protected_problems(*errors)},
    )(take)
    return take


for _step, (_action, _summary, _description) in _STEPS.items():
    _step_route(_step, _action, _summary, _description)
