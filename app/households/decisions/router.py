"""Target-type decisions of a household: list them, record one, end one (DOMAIN 3-4)."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Response

from app.core.auth import Actor, actor_for
from app.core.errors import NotFound, ValidationFailed
from app.core.openapi import LOCATION, protected_problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.routing import Idempotency, api_router, route_options
from app.core.transitions import InvalidTransition
from app.core.uow import DbSession, ReadDbSession
from app.households.decisions import service, views
from app.households.decisions.schemas import DecisionEnd, DecisionIn, DecisionOut
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

router = api_router(prefix=HOUSEHOLDS + HOUSEHOLD, tags=["ledger"])
Decider = Annotated[Actor, Depends(actor_for(Action.households_decide))]
DecisionId = Annotated[uuid.UUID, Path(description="Decision id.")]


@router.get(
    "/target-type-decisions",
    response_model=Page[DecisionOut],
    summary="A household's target-type decisions, ended ones included, oldest first",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_target_type_decisions_list(
    household_id: HouseholdId, actor: LedgerReader, session: ReadDbSession, page: PageParams
) -> Page[DecisionOut]:
    items, cursor = await service.page(session, actor, household_id, page)
    return Page(items=[views.decision_out(d, actor.today) for d in items], next_cursor=cursor)


@router.post(
    "/target-type-decisions",
    response_model=DecisionOut,
    status_code=201,
    summary="Record a dibao, tekun or registered-hardship decision (street and district officers)",
    description="The household needs urban hukou (Yubei 3(1)); a type in force is not recorded "
    "twice (`target_type_in_force`); dibao and tekun exclude each other "
    "(`target_types_exclusive`); assessed types in force end (`superseded`).",
    responses={
        **household_written(201, LOCATION),
        **protected_problems(NotFound, ValidationFailed, HouseholdExited, HouseholdDeclined),
    },
    openapi_extra=route_options(idempotency_mode=Idempotency.optional),
)
async def household_target_type_decisions_create(
    household_id: HouseholdId,
    actor: Decider,
    response: Response,
    session: DbSession,
    body: DecisionIn,
) -> DecisionOut:
    household, decision = await service.record(session, actor, household_id, body)
    response.headers["Location"] = (
        f"/api/v1/households/{household.id}/target-type-decisions/{decision.id}"
    )
    answer_household_version(response, session, household.id, household.version)
    return views.decision_out(decision, actor.today)


@router.post(
    "/target-type-decisions/{decision_id:uuid}/end",
    response_model=DecisionOut,
    summary="End a target-type decision (street and district officers); it stays on record",
    responses={
        **household_written(200),
        **protected_problems(NotFound, ValidationFailed, InvalidTransition),
    },
)
async def household_target_type_decisions_end(
    household_id: HouseholdId,
    decision_id: DecisionId,
    actor: Decider,
    response: Response,
    session: DbSession,
    body: DecisionEnd,
) -> DecisionOut:
    household, decision = await service.end(session, actor, household_id, decision_id, body)
    answer_household_version(response, session, household.id, household.version)
    return views.decision_out(decision, actor.today)
