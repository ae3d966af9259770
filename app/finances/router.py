"""Incomes, rigid expenditures and assets of a household (DOMAIN 4): read, and replace in bulk."""

from typing import Annotated

from fastapi import Query, Response

from app.core.errors import PreconditionFailed, PreconditionRequired
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import ETAG, protected_problems, sends
from app.core.routing import api_router
from app.core.uow import DbSession, ReadDbSession
from app.finances import service, views
from app.finances.models import Expenditure, Income
from app.finances.months import MAX_MONTHS
from app.finances.schemas import (
    AssetsIn,
    AssetsOut,
    ExpendituresIn,
    ExpendituresOut,
    IncomesIn,
    IncomesOut,
    Month,
)
from app.households import public as ledger

router = api_router(prefix=ledger.HOUSEHOLDS + ledger.HOUSEHOLD, tags=["ledger"])
_RANGE = f"A range covers at most {MAX_MONTHS} months."
From = Annotated[
    Month | None,
    Query(
        alias="from",
        description='First month, "YYYY-MM"; default 11 months before `to`. ' + _RANGE,
    ),
]
To = Annotated[
    Month | None,
    Query(description='Last month, "YYYY-MM"; default the current month (Asia/Shanghai).'),
]
ReplaceFrom = Annotated[
    Month,
    Query(alias="from", description='First month replaced, "YYYY-MM". ' + _RANGE),
]
ReplaceTo = Annotated[Month, Query(description='Last month replaced, "YYYY-MM".')]
_READ = {**sends(200, ETAG), **protected_problems(*ledger.PERSONAL_READ)}
_WRITE = {
    **ledger.household_written(200, ETAG),
    **protected_problems(*ledger.PERSONAL_READ, PreconditionFailed, PreconditionRequired),
}


@router.get(
    "/incomes",
    response_model=IncomesOut,
    summary="Monthly incomes by member and source, with totals (the read is audited)",
    responses=_READ,
)
async def household_incomes_get(
    household_id: ledger.HouseholdId,
    actor: ledger.LedgerReader,
    response: Response,
    session: ReadDbSession,
    from_: From = None,
    to: To = None,
) -> IncomesOut:
    months = service.month_range(from_, to, actor.today)
    household, rows = await service.read_monthly(session, actor, household_id, Income, months)
    response.headers["ETag"] = etag_for_version(household.version)
    return views.incomes_out(household, months, rows)


@router.put(
    "/incomes",
    response_model=IncomesOut,
    summary="Replace the incomes of a range of months in one request (If-Match on the household)",
    responses=_WRITE,
)
async def household_incomes_replace(
    household_id: ledger.HouseholdId,
    actor: ledger.LedgerWriter,
    response: Response,
    session: DbSession,
    body: IncomesIn,
    expected: ExpectedVersion,
    from_: ReplaceFrom,
    to: ReplaceTo,
) -> IncomesOut:
    months = service.month_range(from_, to, actor.today)
    household, rows = await service.replace_incomes(
        session, actor, household_id, months, body.items, expected
    )
    response.headers["ETag"] = etag_for_version(household.version)
    ledger.answer_household_version(response, session, household.id, household.version)
    return views.incomes_out(household, months, rows)


@router.get(
    "/expenditures",
    response_model=ExpendituresOut,
    summary="Rigid expenditures (刚性支出) by month and kind, with totals (the read is audited)",
    responses=_READ,
)
async def household_expenditures_get(
    household_id: ledger.HouseholdId,
    actor: ledger.LedgerReader,
    response: Response,
    session: ReadDbSession,
    from_: From = None,
    to: To = None,
) -> ExpendituresOut:
    months = service.month_range(from_, to, actor.today)
    household, rows = await service.read_monthly(session, actor, household_id, Expenditure, months)
    response.headers["ETag"] = etag_for_version(household.version)
    return views.expenditures_out(household, months, rows)


@router.put(
    "/expenditures",
    response_model=ExpendituresOut,
    summary="Replace the rigid expenditures of a range of months (If-Match on the household)",
    responses=_WRITE,
)
async def household_expenditures_replace(
    household_id: ledger.HouseholdId,
    actor: ledger.LedgerWriter,
    response: Response,
    session: DbSession,
    body: ExpendituresIn,
    expected: ExpectedVersion,
    from_: ReplaceFrom,
    to: ReplaceTo,
) -> ExpendituresOut:
    months = service.month_range(from_, to, actor.today)
    household, rows = await service.replace_expenditures(
        session, actor, household_id, months, body.items, expected
    )
    response.headers["ETag"] = etag_for_version(household.version)
    ledger.answer_household_version(response, session, household.id, household.version)
    return views.expenditures_out(household, months, rows)


@router.get(
    "/assets",
    response_model=AssetsOut,
    summary="The household's assets (the read is audited)",
    responses=_READ,
)
async def household_assets_get(
    household_id: ledger.HouseholdId,
    actor: ledger.LedgerReader,
    response: Response,
    session: ReadDbSession,
) -> AssetsOut:
    household, rows, declared = await service.read_assets(session, actor, household_id)
    response.headers["ETag"] = etag_for_version(household.version)
    return views.assets_out(household, rows, declared=declared)


@router.put(
    "/assets",
    response_model=AssetsOut,
    summary="Replace the household's whole asset list (If-Match on the household)",
    responses=_WRITE,
)
async def household_assets_replace(
    household_id: ledger.HouseholdId,
    actor: ledger.LedgerWriter,
    response: Response,
    session: DbSession,
    body: AssetsIn,
    expected: ExpectedVersion,
) -> AssetsOut:
    household, rows = await service.replace_assets(
        session, actor, household_id, body.items, expected
    )
    response.headers["ETag"] = etag_for_version(household.version)
    ledger.answer_household_version(response, session, household.id, household.version)
    return views.assets_out(household, rows, declared=True)
