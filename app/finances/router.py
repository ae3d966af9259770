"""Incomes, rigid expenditures and assets of a household (DOMAIN 4): read, and replace in bulk."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from app.confidentiality.service import ConfidentialityAgreementRequired
from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from app.core.etag import ExpectedVersion, etag_for_version
from app.core.openapi import protected_problems
from app.core.permissions import Action
from app.core.routing import API_V1, api_router
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

router = api_router(prefix=f"{API_V1}/households", tags=["ledger"])
Reader = Annotated[Actor, Depends(actor_for(Action.households_read))]
Writer = Annotated[Actor, Depends(actor_for(Action.households_write))]
HouseholdId = Annotated[uuid.UUID, Path(description="Household id.")]
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
_READ = protected_problems(NotFound, ValidationFailed, ConfidentialityAgreementRequired)
_WRITE = protected_problems(
    NotFound,
    ValidationFailed,
    ConfidentialityAgreementRequired,
    PreconditionFailed,
    PreconditionRequired,
)


@router.get(
    "/{household_id}/incomes",
    response_model=IncomesOut,
    summary="Monthly incomes by member and source, with totals (the read is audited)",
    responses=_READ,
)
async def get_incomes(
    household_id: HouseholdId,
    actor: Reader,
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
    "/{household_id}/incomes",
    response_model=IncomesOut,
    summary="Replace the incomes of a range of months in one request (If-Match on the household)",
    responses=_WRITE,
)
async def put_incomes(
    household_id: HouseholdId,
    actor: Writer,
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
    return views.incomes_out(household, months, rows)


@router.get(
    "/{household_id}/expenditures",
    response_model=ExpendituresOut,
    summary="Rigid expenditures (刚性支出) by month and kind, with totals (the read is audited)",
    responses=_READ,
)
async def get_expenditures(
    household_id: HouseholdId,
    actor: Reader,
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
    "/{household_id}/expenditures",
    response_model=ExpendituresOut,
    summary="Replace the rigid expenditures of a range of months (If-Match on the household)",
    responses=_WRITE,
)
async def put_expenditures(
    household_id: HouseholdId,
    actor: Writer,
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
    return views.expenditures_out(household, months, rows)


@router.get(
    "/{household_id}/assets",
    response_model=AssetsOut,
    summary="The household's assets (the read is audited)",
    responses=_READ,
)
async def get_assets(
    household_id: HouseholdId, actor: Reader, response: Response, session: ReadDbSession
) -> AssetsOut:
    household, rows = await service.read_assets(session, actor, household_id)
    response.headers["ETag"] = etag_for_version(household.version)
    return views.assets_out(household, rows)


@router.put(
    "/{household_id}/assets",
    response_model=AssetsOut,
    summary="Replace the household's whole asset list (If-Match on the household)",
    responses=_WRITE,
)
async def put_assets(
    household_id: HouseholdId,
    actor: Writer,
    response: Response,
    session: DbSession,
    body: AssetsIn,
    expected: ExpectedVersion,
) -> AssetsOut:
    household, rows = await service.replace_assets(
        session, actor, household_id, body.items, expected
    )
    response.headers["ETag"] = etag_for_version(household.version)
    return views.assets_out(household, rows)
