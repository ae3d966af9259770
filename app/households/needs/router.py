"""A household's needs as dated instances (帮扶需求, DOMAIN 4, 6)."""

from typing import Annotated

from fastapi import Query

from app.core.masking import PersonalField, shown
from app.core.openapi import protected_problems
from app.core.pagination import Page, PageParams
from app.core.routing import api_router
from app.core.uow import ReadDbSession
from app.dictionaries.public import CodeOf
from app.households.http import HOUSEHOLD, HOUSEHOLDS, PERSONAL_READ, HouseholdId, LedgerReader
from app.households.needs import service
from app.households.needs.schemas import NeedInstanceOut
from app.identity.public import actor_refs

router = api_router(prefix=HOUSEHOLDS + HOUSEHOLD, tags=["ledger"])


@router.get(
    "/needs",
    response_model=Page[NeedInstanceOut],
    summary="The household's needs as dated instances, in the order they were noted",
    description="Oldest first (ids are time-ordered), every status unless `status` is "
    "given: what was needed, since when, noted by whom, from what (the record, an "
    "application, a home visit, a report, an import). The read is audited.",
    responses=protected_problems(*PERSONAL_READ),
)
async def household_needs_list(
    household_id: HouseholdId,
    actor: LedgerReader,
    session: ReadDbSession,
    page: PageParams,
    status: Annotated[
        Annotated[str, CodeOf("need_status")] | None,
        Query(description="Only instances in this status (dictionary `need_status`)."),
    ] = None,
) -> Page[NeedInstanceOut]:
    items, cursor = await service.page(session, actor, household_id, status, page)
    refs = await actor_refs(session, [n.noted_by for n in items])
    return Page(
        items=[
            NeedInstanceOut(
                id=n.id,
                code=n.code,
                status=n.status,
                noted_on=n.noted_on,
                noted_by=refs[n.noted_by],
                source=n.source,
                source_id=n.source_id,
                note=shown(n.note, PersonalField.text, actor.viewer),
                status_changed_at=n.status_changed_at,
            )
            for n in items
        ],
        next_cursor=cursor,
    )
