"""The charity federation's monthly needs report (`/api/v1/charity-reports`, DOMAIN 7): a
street's assistance needs of a month, generated on request or by the monthly job."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.charity_reports import service
from app.charity_reports.schemas import MONTH_PATTERN, ReportIn, ReportOut, ReportSummaryOut
from app.charity_reports.views import report_out, summaries_out, workbook_rows
from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, ValidationFailed
from app.core.exports import XLSX_MEDIA_TYPE, attachment, xlsx_bytes
from app.core.openapi import LOCATION, protected_problems, sends
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, Idempotency, api_router, route_options
from app.core.uow import DbSession, ReadDbSession

router = api_router(prefix=API_V1, tags=["charity reports"])
REPORTS = "/charity-reports"
ONE = REPORTS + "/{charity_report_id:uuid}"
CharityReportId = Annotated[uuid.UUID, Path(description="Charity report id.")]
Generator = Annotated[Actor, Depends(actor_for(Action.charity_reports_generate))]
Reader = Annotated[Actor, Depends(actor_for(Action.charity_reports_read))]
_READERS = (
    "Readers: admins; district and street officers within their region; auditors under a live "
    "grant; the charity federation's partner system for the streets its organisation serves "
    "(a partner of any other organisation: 404 for a report, an empty list)."
)


@router.post(
    REPORTS,
    response_model=ReportOut,
    status_code=201,
    summary="Generate a street's monthly needs report for the charity federation",
    description="各镇街每月定时向区慈善会报送救助需求. The needs live at the end of the month "
    "(for the current month: now) of the street's households in the ledger that day, per need: "
    "households, those with an open referral of the need and the kinds of organisation it "
    "goes to, and the target types held; the households are listed only when their consent to "
    "share with the charity federation is in force (the others are counted, not listed). "
    "Generating the same street and month again stores the next `version` and keeps the "
    "earlier ones; the highest is current. Publishes `charity_report.generated` to the "
    "charity federation's webhook subscription. Street officers for their street, district "
    "officers for the streets of their district, admins for any (otherwise 422 "
    "`region_out_of_scope`). 422: `month_in_future`, `region_code` not a street (9 digits) or "
    "unknown.",
    responses={**sends(201, LOCATION), **protected_problems(ValidationFailed)},
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def charity_reports_create(
    actor: Generator, response: Response, session: DbSession, body: ReportIn
) -> ReportOut:
    report = await service.create(session, actor, body)
    response.headers["Location"] = f"{API_V1}{REPORTS}/{report.id}"
    return report_out(report)


@router.get(
    REPORTS,
    response_model=Page[ReportSummaryOut],
    summary="Monthly needs reports, newest first",
    description="Every version (the highest of a street and month is current). Filters: "
    "`region_code` (a region's subtree), `month`. " + _READERS,
    responses=protected_problems(ValidationFailed),
)
async def charity_reports_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    region_code: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Only reports of this subtree.")
    ] = None,
    month: Annotated[
        str | None, Query(pattern=MONTH_PATTERN, description="Only this month (`YYYY-MM`).")
    ] = None,
) -> Page[ReportSummaryOut]:
    found, cursor = await service.page(session, actor, page, region_code, month)
    return Page(items=summaries_out(found), next_cursor=cursor)


@router.get(
    ONE,
    response_model=ReportOut,
    summary="One monthly needs report, with its figures and listed households",
    description="As stored when generated; a charity federation's client sees a household "
    "listed only while its consent to that organisation, today, covers identity and contact "
    "(the others are counted in `not_listed`). 404 outside your reach. " + _READERS,
    responses=protected_problems(NotFound, ValidationFailed),
)
async def charity_reports_get(
    charity_report_id: CharityReportId, actor: Reader, session: ReadDbSession
) -> ReportOut:
    report = await service.get(session, actor, charity_report_id)
    return report_out(report, await service.body_for(session, actor, report))


@router.get(
    ONE + "/export",
    response_class=Response,
    summary="One monthly needs report as an XLSX workbook",
    description="The same figures and list as the JSON, on one sheet: the heading, a row per "
    "need, then the listed households. Cells a spreadsheet would run as a formula start with "
    "`'`. 404 outside your reach. " + _READERS,
    responses={
        200: {
            "description": "The workbook.",
            "content": {
                XLSX_MEDIA_TYPE: {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "(XLSX workbook)",
                }
            },
        },
        **protected_problems(NotFound, ValidationFailed),
    },
)
async def charity_reports_export(
    charity_report_id: CharityReportId, actor: Reader, session: ReadDbSession
) -> Response:
    report = await service.get(session, actor, charity_report_id)
    body = await service.body_for(session, actor, report)
    content = await xlsx_bytes("慈善救助需求", workbook_rows(report, body))
    name = f"慈善救助需求-{report.region_code}-{report.month}-v{report.version}.xlsx"
    return Response(
        content, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": attachment(name)}
    )
