"""The deadline worklist of a region (DOMAIN 6; Yubei 3(5); Beijing 2)."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Response
from pydantic_core import to_json
from sqlalchemy import Row

from app.core.auth import Actor, actor_for
from app.core.clock import business_today
from app.core.errors import NotFound, ValidationFailed
from app.core.openapi import protected_problems
from app.core.pagination import Page, PageParams, paginate_joined
from app.core.permissions import Action
from app.core.routing import API_V1, api_router
from app.core.uow import ReadDbSession
from app.intake.deadlines import repository
from app.intake.deadlines.rules import DeadlineStatus, Kind
from app.intake.deadlines.schemas import DeadlineOut, When
from app.intake.models import Deadline
from app.workdays.public import calendar_between

router = api_router(prefix=API_V1, tags=["deadlines"])
Reader = Annotated[Actor, Depends(actor_for(Action.deadlines_read))]
CODE_PATTERN = r"^[0-9]{6}([0-9]{3}){0,3}$"


async def _overdue_counter(
    session: ReadDbSession, due_days: list[date], today: date
) -> Callable[[date], int]:
    """Working days after a due day up to today, for the due days of one page: the calendar
    is read once and walked once from the earliest of them (not once per item)."""
    start = min((d for d in due_days if d < today), default=today)
    if start == today:
        return lambda _day: 0
    calendar = await calendar_between(session, start, today + timedelta(days=1))
    counted: dict[date, int] = {start: 0}
    day, count = start, 0
    while day < today:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
        counted[day] = count
    return lambda due_on: count - counted[due_on] if due_on < today else 0


def _shown(d: Row[Any], today: date, overdue: Callable[[date], int]) -> dict[str, Any]:
    """A row of `repository.SHOWN` as `DeadlineOut` shows it (its fields, in its order)."""
    undone = d.done_on is None
    return {
        "id": d.id,
        "kind": d.kind,
        "status": DeadlineStatus.missed.value if undone and d.due_on < today else d.status,
        "triggered_on": d.triggered_on,
        "working_days": d.working_days,
        "due_on": d.due_on,
        "provisional": d.provisional,
        "done_on": d.done_on,
        "household_id": d.household_id,
        "application_id": d.application_id,
        "discovery_report_id": d.discovery_report_id,
        "region_code": d.region_code,
        "days_overdue": overdue(d.due_on) if undone else 0,
    }


DeadlinePage = Page[DeadlineOut]


@router.get(
    "/worklists/deadlines",
    response_model=DeadlinePage,
    summary="Deadlines not done yet in your region: due today and overdue by default",
    description="Order: by due day, then id (oldest due first). `when`: `due_today`, "
    "`overdue` (due day passed, still undone) or `open` (due today or later); without it, "
    "due today and overdue. `region` narrows to a subtree within your reach (outside it the "
    "list is empty). No personal data: ids, codes and days only.",
    responses=protected_problems(ValidationFailed),
)
async def worklists_deadlines(
    actor: Reader,
    session: ReadDbSession,
    page: PageParams,
    region: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Only this region's subtree.")
    ] = None,
    when: Annotated[When | None, Query(description="Which due days; see the description.")] = None,
    kind: Annotated[Kind | None, Query(description="Only deadlines of this kind.")] = None,
) -> Response:
    today = business_today()
    keys = repository.worklist_keys(
        tuple(actor.reach.regions), region is not None, when, kind is not None
    )
    rows, cursor = await paginate_joined(
        session,
        keys,
        [Deadline.due_on, Deadline.id],
        page,
        scope=f"deadlines:{actor.principal.id}:{region}:{when}:{kind}",
        rows=repository.page_rows,
        params=repository.worklist_params(region, kind, today),
    )
    overdue = await _overdue_counter(session, [d.due_on for d in rows], today)
    items = [_shown(d, today, overdue) for d in rows]
    # Serialized once, as the response model shows it (the contract test and
    # test_deadlines check the body against the model); FastAPI would validate it again.
    return Response(to_json({"items": items, "next_cursor": cursor}), media_type="application/json")


@router.get(
    "/deadlines/{deadline_id:uuid}",
    response_model=DeadlineOut,
    summary="One deadline of your region, done or not",
    description="404 outside your region. No personal data: ids, codes and days only.",
    responses=protected_problems(NotFound, ValidationFailed),
)
async def deadlines_get(
    deadline_id: Annotated[uuid.UUID, Path(description="Deadline id.")],
    actor: Reader,
    session: ReadDbSession,
) -> DeadlineOut:
    found = (
        await session.execute(repository.one_in_reach(deadline_id, actor.reach.regions))
    ).first()
    if found is None:
        raise NotFound("时限", "deadline")
    today = business_today()
    overdue = await _overdue_counter(
        session, [found.due_on] if found.done_on is None else [], today
    )
    return DeadlineOut.model_validate(_shown(found, today, overdue))
