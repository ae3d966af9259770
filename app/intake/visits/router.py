"""Home visits (入户访谈, DOMAIN 6; Yubei 3(5); Beijing 2): schedule, list, read, record,
cancel."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.confidentiality.public import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.masking import PersonalField, shown
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.households.public import answer_household_version, audit_read, household_written
from app.intake.models import HomeVisit
from app.intake.visits import service
from app.intake.visits.schemas import (
    HomeVisitCancelIn,
    HomeVisitIn,
    HomeVisitOut,
    HomeVisitRecordIn,
)
from app.intake.visits.states import MACHINE, VisitStatus

router = api_router(prefix=API_V1, tags=["home visits"])
VISITS = "/home-visits"
ONE = VISITS + "/{visit_id:uuid}"
VisitId = Annotated[uuid.UUID, Path(description="Home visit id.")]
Reader = Annotated[Actor, Depends(actor_for(Action.home_visits_read))]
Scheduler = Annotated[Actor, Depends(actor_for(Action.home_visits_schedule))]
Recorder = Annotated[Actor, Depends(actor_for(Action.home_visits_record))]


async def _out(session: ReadDbSession | DbSession, actor: Actor, visit: HomeVisit) -> HomeVisitOut:
    by_agency, met = await service.facts(session, visit)
    viewer = actor.viewer

    def text(value: str | None) -> str | None:
        return shown(value, PersonalField.text, viewer)

    return HomeVisitOut(
        id=visit.id,
        version=visit.version,
        status=VisitStatus(visit.status),
        household_id=visit.household_id,
        region_code=visit.region_code,
        application_id=visit.application_id,
        scheduled_on=visit.scheduled_on,
        scheduled_by=visit.scheduled_by,
        visitor_id=visit.visitor_id,
        visitor_organization_id=visit.visitor_organization_id,
        by_social_work_agency=by_agency,
        visited_on=visit.visited_on,
        living_situation=text(visit.living_situation),
        note=text(visit.note),
        needs_found=list(visit.needs_found),
        assessment=text(visit.assessment),
        plan_revision=visit.plan_revision,
        document_ids=[uuid.UUID(d) for d in visit.document_ids],
        recorded_by=visit.recorded_by,
        recorded_at=visit.recorded_at,
        cancel_reason=text(visit.cancel_reason),
        deadlines_met=met,
        allowed_actions=MACHINE.allowed(VisitStatus(visit.status)),
    )


async def _answered(
    session: ReadDbSession | DbSession, actor: Actor, visit: HomeVisit, response: Response
) -> HomeVisitOut:
    response.headers["ETag"] = etag_for_version(visit.version)
    return await _out(session, actor, visit)


@router.post(
    VISITS,
    response_model=HomeVisitOut,
    status_code=201,
    summary="Schedule a home visit and assign it to its visitor",
    description="The visitor is the social worker the household is assigned to, or a "
    "community worker of its community (422 `not_a_visitor`); the visitor's organisation "
    "is kept with the visit, and only a social-work agency's visit meets the home-visit "
    "deadlines (Yubei 3(5)). The visitor gets `home_visit.assigned` in its inbox.",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(NotFound, ValidationFailed),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def home_visits_create(
    actor: Scheduler, response: Response, session: DbSession, body: HomeVisitIn
) -> HomeVisitOut:
    visit = await service.schedule(session, actor, body)
    response.headers["Location"] = f"{API_V1}{VISITS}/{visit.id}"
    return await _answered(session, actor, visit, response)


@router.get(
    VISITS,
    response_model=Page[HomeVisitOut],
    summary="Home visits in your reach (social workers: your own)",
    description="Order: by id, oldest scheduled first. Region staff see the visits of "
    "their region; a social worker the visits assigned to it of households assigned to it. "
    "Free text is masked whole for roles that see personal data masked; the read is "
    "audited.",
    responses=protected_problems(ValidationFailed),
)
async def home_visits_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    status: Annotated[VisitStatus | None, Query(description="Only visits in this state.")] = None,
    visitor: Annotated[uuid.UUID | None, Query(description="Only this visitor's visits.")] = None,
    household_id: Annotated[
        uuid.UUID | None, Query(description="Only this household's visits.")
    ] = None,
) -> Page[HomeVisitOut]:
    found, cursor = await service.page(
        session, actor, page, status=status, visitor_id=visitor, household_id=household_id
    )
    audit_read(session, actor, "home_visit.list.read")
    return Page(items=[await _out(session, actor, v) for v in found], next_cursor=cursor)


@router.get(
    ONE,
    response_model=HomeVisitOut,
    summary="One home visit (ETag: its version; the read is audited)",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def home_visits_get(
    visit_id: VisitId, actor: Reader, response: Response, session: ReadDbSession
) -> HomeVisitOut:
    visit = await service.visible(session, actor, visit_id)
    audit_read(session, actor, "home_visit.read", region_code=visit.region_code)
    return await _answered(session, actor, visit, response)


@router.post(
    ONE + "/record",
    response_model=HomeVisitOut,
    summary="Record the visit (the visitor; If-Match): findings, needs, assessment, plan",
    description="Only the visitor records it (403 for anyone else). Needs found are noted on "
    "the household as need instances from this visit; a plan given becomes the household's "
    "next plan version. A social-work agency's visit meets the household's home-visit "
    "deadlines on `visited_on` (`deadlines_met`); another visitor's does not (Yubei 3(5)). "
    "`X-Household-ETag` gives the household's ETag after the visit (new when needs or a "
    "plan were given).",
    responses={
        **household_written(200, ETAG),
        **protected_problems(
            NotFound,
            ValidationFailed,
            ConfidentialityAgreementRequired,
            InvalidTransition,
            PreconditionFailed,
            PreconditionRequired,
        ),
    },
)
async def home_visits_record(
    visit_id: VisitId,
    actor: Recorder,
    response: Response,
    session: DbSession,
    body: HomeVisitRecordIn,
    expected: ExpectedVersion,
) -> HomeVisitOut:
    visit, unchanged_version = await service.record(session, actor, visit_id, expected, body)
    answer_household_version(response, session, visit.household_id, unchanged_version)
    return await _answered(session, actor, visit, response)


@router.post(
    ONE + "/cancel",
    response_model=HomeVisitOut,
    summary="Cancel a scheduled visit (If-Match), with the reason",
    responses={
        **sends(200, ETAG),
        **protected_problems(
            NotFound,
            ValidationFailed,
            InvalidTransition,
            PreconditionFailed,
            PreconditionRequired,
        ),
    },
)
async def home_visits_cancel(
    visit_id: VisitId,
    actor: Scheduler,
    response: Response,
    session: DbSession,
    body: HomeVisitCancelIn,
    expected: ExpectedVersion,
) -> HomeVisitOut:
    visit = await service.cancel(session, actor, visit_id, expected, body)
    return await _answered(session, actor, visit, response)
