"""Queries of assessments; no rules. A household's reach was checked by the caller."""

import uuid

from sqlalchemy import func, select, update

from app.core.db import ReadSession, WriteSession, utcnow
from app.core.pagination import PageRequest, paginate
from app.core.reach import Reach
from app.eligibility.models import Assessment, PolicyVersion
from app.households.public import jurisdiction


async def get_visible(
    session: ReadSession, reach: Reach, assessment_id: uuid.UUID
) -> Assessment | None:
    """The assessment if its household is in the reach."""
    stmt = select(Assessment).where(
        Assessment.id == assessment_id,
        jurisdiction(reach, Assessment.household_id, Assessment.region_code),
    )
    found: Assessment | None = await session.scalar(stmt)
    return found


async def exists_anywhere(session: ReadSession, assessment_id: uuid.UUID) -> bool:
    return await session.get(Assessment, assessment_id) is not None


async def supersede(session: WriteSession, household_id: uuid.UUID, newest: uuid.UUID) -> None:
    """Mark the household's earlier current assessment superseded by `newest` (one at most:
    each new one supersedes it under the household's lock), in one statement: the row and
    its inputs and rules are not read for it."""
    await session.execute(
        update(Assessment)
        .where(
            Assessment.household_id == household_id,
            Assessment.superseded_by.is_(None),
            Assessment.id != newest,
        )
        .values(superseded_by=newest, updated_at=utcnow())
    )


async def policy_version(session: ReadSession, version_id: uuid.UUID) -> PolicyVersion:
    """The version an assessment used (it exists: the foreign key restricts deletion)."""
    found = await session.get(PolicyVersion, version_id)
    assert found is not None
    return found


async def page_of_household(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[Assessment], str | None]:
    """The household's assessments, newest first (ids are time-ordered)."""
    stmt = select(Assessment).where(Assessment.household_id == household_id)
    return await paginate(
        session,
        stmt,
        [Assessment.id],
        page,
        scope=f"assessments:{household_id}",
        descending=True,
    )


async def count(session: ReadSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Assessment))).scalar_one())
