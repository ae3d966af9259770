"""Measures given to a household (帮扶措施): list, record, void."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Response

from app.core.auth import Actor, actor_for
from app.core.openapi import LOCATION, protected_problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import Idempotency, api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.households.errors import HouseholdDeclined, HouseholdExited
from app.households.http import (
    HOUSEHOLD,
    HOUSEHOLDS,
    PERSONAL_READ,
    HouseholdId,
    LedgerReader,
    answer_household_version,
    household_written,
)
from app.households.stewardship import measures
from app.households.stewardship.measure_schemas import MeasureIn, MeasureOut, MeasureVoidIn

router = api_router(prefix=HOUSEHOLDS + HOUSEHOLD, tags=["ledger"])
Recorder = Annotated[Actor, Depends(actor_for(Action.households_measures))]
MeasureId = Annotated[uuid.UUID, Path(description="Measure record id.")]


@router.get(
    "/measures",
    response_model=Page[MeasureOut],
    summary="Measures given to the household, newest first (by day given, then record)",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_measures_list(
    household_id: HouseholdId, actor: LedgerReader, session: ReadDbSession, page: PageParams
) -> Page[MeasureOut]:
    items, cursor = await measures.page(session, actor, household_id, page)
    return Page(items=[MeasureOut.model_validate(m) for m in items], next_cursor=cursor)


@router.post(
    "/measures",
    response_model=MeasureOut,
    status_code=201,
    summary="Record a measure given to the household (帮扶措施)",
    responses={
        **household_written(201, LOCATION),
        **protected_problems(*PERSONAL_READ, HouseholdExited, HouseholdDeclined),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def household_measures_create(
    household_id: HouseholdId,
    actor: Recorder,
    response: Response,
    session: DbSession,
    body: MeasureIn,
) -> MeasureOut:
    measure = await measures.record(session, actor, household_id, body)
    response.headers["Location"] = f"/api/v1/households/{household_id}/measures/{measure.id}"
    answer_household_version(response, session, household_id)
    return MeasureOut.model_validate(measure)


@router.post(
    "/measures/{measure_id:uuid}/void",
    response_model=MeasureOut,
    summary="Void a wrong measure record with a reason (it is kept, no longer counted)",
    responses={**household_written(200), **protected_problems(*PERSONAL_READ, InvalidTransition)},
)
async def household_measures_void(
    household_id: HouseholdId,
    measure_id: MeasureId,
    actor: Recorder,
    response: Response,
    session: DbSession,
    body: MeasureVoidIn,
) -> MeasureOut:
    measure = await measures.void(session, actor, household_id, measure_id, body.reason)
    answer_household_version(response, session, household_id)
    return MeasureOut.model_validate(measure)
