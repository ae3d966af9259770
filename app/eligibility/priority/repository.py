"""The current eligible assessments of a region subtree in priority order; no rules."""

from typing import Any

from sqlalchemy import Row, select

from app.core.db import ReadSession
from app.core.pagination import PageRequest, paginate_rows
from app.core.reach import Reach
from app.core.region_codes import in_subtree
from app.eligibility.models import Assessment
from app.households.public import jurisdiction

ORDER = (Assessment.score, Assessment.per_capita_micro, Assessment.household_id)
DESCENDING = (True, False, False)
"""`rules.priority_key`: the higher score first, then the lower per-capita income, then the id."""
_COLUMNS = (
    Assessment.id,
    Assessment.household_id,
    Assessment.region_code,
    Assessment.outcome,
    Assessment.reference_date,
    Assessment.policy_version_id,
    Assessment.score,
    Assessment.per_capita_micro,
    Assessment.member_count,
    Assessment.contributions,
    Assessment.accepted_at,
)


async def page(
    session: ReadSession,
    reach: Reach,
    page: PageRequest,
    *,
    region: str | None,
    outcome: str | None,
) -> tuple[list[Row[Any]], str | None]:
    """One page of the households whose current assessment (none newer) found them eligible.
    Only eligible outcomes carry a score, so `score IS NOT NULL` is the eligibility test the
    partial index `ix_assessments_priority` holds."""
    stmt = select(*_COLUMNS).where(
        Assessment.superseded_by.is_(None),
        Assessment.score.is_not(None),
        jurisdiction(reach, Assessment.household_id, Assessment.region_code),
    )
    if region is not None:
        stmt = stmt.where(in_subtree(Assessment.region_code, region))
    if outcome is not None:
        stmt = stmt.where(Assessment.outcome == outcome)
    return await paginate_rows(
        session,
        stmt,
        ORDER,
        page,
        scope=f"eligibility.priority:{region}:{outcome}",
        descending=DESCENDING,
    )
