"""Discovery reports (主动发现, 线索) and their triage (DOMAIN 6; Yubei 3(5); Beijing 2)."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.households import public as households
from app.intake.models import DiscoveryReport
from app.intake.reports import repository, service
from app.intake.reports.schemas import (
    DiscoveryReportIn,
    DiscoveryReportOut,
    DismissIn,
    InvestigateIn,
    LinkIn,
    Urgency,
)
from app.intake.reports.states import ReportStatus

router = api_router(prefix=API_V1, tags=["discovery reports"])
REPORTS = "/discovery-reports"
ONE = REPORTS + "/{report_id:uuid}"
ReportId = Annotated[uuid.UUID, Path(description="Discovery report id.")]
Reader = Annotated[Actor, Depends(actor_for(Action.discovery_reports_read))]
Filer = Annotated[Actor, Depends(actor_for(Action.discovery_reports_file))]
Triager = Annotated[Actor, Depends(actor_for(Action.discovery_reports_triage))]
STEP_PROBLEMS = protected_problems(
    NotFound, ValidationFailed, InvalidTransition, PreconditionFailed, PreconditionRequired
)


async def _shown(
    session: ReadDbSession | DbSession, actor: Actor, report: DiscoveryReport, response: Response
) -> DiscoveryReportOut:
    response.headers["ETag"] = etag_for_version(report.version)
    [shown] = await service.shown(session, actor, [report])
    return shown


@router.post(
    REPORTS,
    response_model=DiscoveryReportOut,
    status_code=201,
    summary="File a lead about someone noticed in hardship (主动发现)",
    description="Grid workers, community workers and street officers, in their scope (a grid "
    "worker: its own grid). The channel follows the filer's role. A `hardship_kind` opens the "
    "home-visit (1 working day) and ledger (2 working days) deadlines from `noticed_on`. A lead "
    "matching an active household (same ID number in the street, same address in the "
    "community) is flagged for the triaging officers; the answer is the same whether or not "
    "one matched. An ID number spends one of the account's lookups of the minute "
    "(`SANZHU_PERSON_LOOKUPS_PER_MINUTE`); roles that see ID numbers masked may not give one.",
    responses={
        **sends(201, ETAG, LOCATION),
        **protected_problems(ValidationFailed, households.TooManyLookups),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def discovery_reports_create(
    actor: Filer, response: Response, session: DbSession, body: DiscoveryReportIn
) -> DiscoveryReportOut:
    service.check_may_give_id_number(actor, body)
    if body.id_number is not None:
        await households.spend_lookups(actor)
    report = await service.file(session, actor, body)
    response.headers["Location"] = f"{API_V1}{REPORTS}/{report.id}"
    return await _shown(session, actor, report, response)


@router.get(
    REPORTS,
    response_model=Page[DiscoveryReportOut],
    summary="Discovery reports in your reach, in filing order",
    description="The reports noticed in your region subtree, oldest first (filing order); a "
    "grid worker sees only those it filed, masked. The read is audited.",
    responses=protected_problems(ValidationFailed),
)
async def discovery_reports_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    status: Annotated[ReportStatus | None, Query(description="Only reports in this state.")] = None,
    region: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="Only reports noticed in this region's subtree."),
    ] = None,
    urgency: Annotated[Urgency | None, Query(description="Only reports this urgent.")] = None,
) -> Page[DiscoveryReportOut]:
    rows, cursor = await repository.page(
        session,
        actor.reach,
        actor.principal.role,
        actor.principal.id,
        page,
        status=None if status is None else status.value,
        region_code=region,
        urgency=urgency,
    )
    households.audit_read(session, actor, "discovery_report.list.read")
    return Page(items=await service.shown(session, actor, rows), next_cursor=cursor)


@router.get(
    ONE,
    response_model=DiscoveryReportOut,
    summary="One discovery report (ETag: its version; the read is audited)",
    responses={**sends(200, ETAG), **protected_problems(NotFound, ValidationFailed)},
)
async def discovery_reports_get(
    report_id: ReportId, actor: Reader, response: Response, session: ReadDbSession
) -> DiscoveryReportOut:
    report = await service.visible(session, actor, report_id)
    households.audit_read(
        session,
        actor,
        "discovery_report.read",
        region_code=report.region_code,
        subject=("discovery_report", report.id),
    )
    return await _shown(session, actor, report, response)


@router.post(
    ONE + "/link",
    response_model=DiscoveryReportOut,
    summary="Link a report to the household of the ledger it is about",
    description="An active household of your reach. Meets the report's ledger-entry "
    "deadlines today (the household is in the ledger already) and notes the needs the report "
    "names on the household. 409 `invalid_transition` (with `allowed`) unless submitted.",
    responses={
        **households.household_written(
            200,
            ETAG,
            description="The report as it now stands. When the report names needs, they were "
            "noted on the household: `X-Household-ETag` and `X-Household-Version` give its new "
            "version.",
        ),
        **STEP_PROBLEMS,
    },
)
async def discovery_reports_link(
    report_id: ReportId,
    actor: Triager,
    response: Response,
    session: DbSession,
    body: LinkIn,
    expected: ExpectedVersion,
) -> DiscoveryReportOut:
    report = await service.link(session, actor, report_id, expected, body)
    if report.needs and report.household_id is not None:
        households.answer_household_version(response, session, report.household_id)
    return await _shown(session, actor, report, response)


@router.post(
    ONE + "/dismiss",
    response_model=DiscoveryReportOut,
    summary="Dismiss a report with a reason code",
    description="Its deadlines nobody met are cancelled (kept, off the worklist). 409 `invalid_transition` (with "
    "`allowed`) unless submitted.",
    responses={**sends(200, ETAG), **STEP_PROBLEMS},
)
async def discovery_reports_dismiss(
    report_id: ReportId,
    actor: Triager,
    response: Response,
    session: DbSession,
    body: DismissIn,
    expected: ExpectedVersion,
) -> DiscoveryReportOut:
    report = await service.dismiss(session, actor, report_id, expected, body)
    return await _shown(session, actor, report, response)


@router.post(
    ONE + "/investigate",
    response_model=DiscoveryReportOut,
    summary="Record the basic investigation (摸排) of a submitted report",
    description="With elderly, children or disabled people among the category guesses, opens "
    "the ledger deadline of 3 working days after the investigation (Beijing 2). Once per "
    "report: 409 `invalid_transition` (with `allowed`) once recorded or once triaged.",
    responses={**sends(200, ETAG), **STEP_PROBLEMS},
)
async def discovery_reports_investigate(
    report_id: ReportId,
    actor: Triager,
    response: Response,
    session: DbSession,
    body: InvestigateIn,
    expected: ExpectedVersion,
) -> DiscoveryReportOut:
    report = await service.investigate(session, actor, report_id, expected, body)
    return await _shown(session, actor, report, response)
