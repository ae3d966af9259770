"""The report as the API shows it: JSON, and the same figures as a workbook."""

from collections.abc import AsyncIterator, Iterable

from app.charity_reports.models import CharityReport
from app.charity_reports.schemas import ReportBody, ReportOut, ReportSummaryOut


def report_out(report: CharityReport, body: ReportBody | None = None) -> ReportOut:
    """The report; with `body`, that body (as the reader may read it) instead of the stored one."""
    out = ReportOut.model_validate(report, from_attributes=True)
    return out if body is None else out.model_copy(update={"body": body})


def summaries_out(reports: list[CharityReport]) -> list[ReportSummaryOut]:
    return [ReportSummaryOut.model_validate(r, from_attributes=True) for r in reports]


async def workbook_rows(report: CharityReport, body: ReportBody) -> AsyncIterator[Iterable[object]]:
    """One sheet: the heading, the figures per need, then the listed households (`body`: as
    the reader may read it)."""
    yield ["慈善救助需求月报", report.region_code, report.month]
    yield ["版本", report.version, "截至", report.as_of]
    yield ["有需求户数", body.households, "未列明户数（未授权共享）", body.not_listed]
    yield []
    yield ["需求", "户数", "有在办转介户数", "转介去向（机构类别:户数）", "对象类型（类型:户数）"]
    for need in body.needs:
        yield [
            need.code,
            need.households,
            need.with_open_referral,
            "; ".join(f"{kind}:{n}" for kind, n in need.referred_to.items()),
            "; ".join(f"{kind}:{n}" for kind, n in need.target_types.items()),
        ]
    yield []
    yield ["台账编号", "户ID", "区划", "需求"]
    for household in body.listed:
        yield [
            household.ledger_number,
            str(household.household_id),
            household.region_code,
            "; ".join(household.needs),
        ]
