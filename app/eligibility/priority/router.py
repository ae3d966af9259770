"""The priority list (`GET /api/v1/eligibility/priority`, DOMAIN 5 "Scoring"): eligible
households of a region in the order of help. Scores order, they never decide."""

from typing import Annotated

from fastapi import Depends, Query

from app.core.auth import Actor, actor_for
from app.core.errors import ValidationFailed
from app.core.openapi import protected_problems
from app.core.pagination import Page, PageParams
from app.core.permissions import Action
from app.core.region_codes import CODE_PATTERN
from app.core.routing import API_V1, api_router
from app.core.uow import ReadDbSession
from app.eligibility.priority import repository
from app.eligibility.priority.schemas import EligibleOutcome, PriorityItem
from app.eligibility.priority.views import priority_item
from app.households.public import audit_read

router = api_router(prefix=API_V1, tags=["eligibility"])
Reader = Annotated[Actor, Depends(actor_for(Action.priority_read))]


@router.get(
    "/eligibility/priority",
    response_model=Page[PriorityItem],
    summary="Eligible households in the order of help (highest priority score first)",
    description="Households whose current assessment (none newer) found them income or "
    "expenditure type, in your reach: the higher score first, then the lower per-capita "
    "income, then the household id, so equal scores always come in the same order. Each "
    "item shows every factor's contribution. Filters: `region` (a region's subtree), "
    "`outcome`. The read is audited.",
    responses=protected_problems(ValidationFailed),
)
async def eligibility_priority_list(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    region: Annotated[
        str | None,
        Query(pattern=CODE_PATTERN, description="Only households of this region's subtree."),
    ] = None,
    outcome: Annotated[
        EligibleOutcome | None, Query(description="Only households of this target type.")
    ] = None,
) -> Page[PriorityItem]:
    rows, cursor = await repository.page(
        session,
        actor.reach,
        page,
        region=region,
        outcome=None if outcome is None else outcome.value,
    )
    audit_read(session, actor, "assessment.priority.read", region_code=region)
    return Page(items=[priority_item(row) for row in rows], next_cursor=cursor)
