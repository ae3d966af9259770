"""Each household's own plan (一户一策, Beijing 8(4)): versions are kept, never changed."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.auth import Actor
from app.core.errors import NotFound
from app.core.etag import check_optional_version
from app.households import history, service
from app.households.errors import invalid
from app.households.models import HouseholdPlan
from app.households.plan_schemas import PlanIn
from app.organizations import service as organizations


async def _latest(session: AsyncSession, household_id: uuid.UUID) -> HouseholdPlan | None:
    latest = (
        select(func.max(HouseholdPlan.revision))
        .where(HouseholdPlan.household_id == household_id)
        .scalar_subquery()
    )
    return (
        await session.execute(
            select(HouseholdPlan).where(
                HouseholdPlan.household_id == household_id, HouseholdPlan.revision == latest
            )
        )
    ).scalar_one_or_none()


async def current(session: AsyncSession, actor: Actor, household_id: uuid.UUID) -> HouseholdPlan:
    await service.personal(session, actor, household_id)
    plan = await _latest(session, household_id)
    if plan is None:
        raise NotFound("帮扶方案", "plan")
    return plan


async def versions(
    session: AsyncSession, actor: Actor, household_id: uuid.UUID
) -> list[HouseholdPlan]:
    await service.personal(session, actor, household_id)
    rows = await session.scalars(
        select(HouseholdPlan)
        .where(HouseholdPlan.household_id == household_id)
        .order_by(HouseholdPlan.revision.desc())
    )
    return list(rows)


async def revise(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    data: PlanIn,
    expected_revision: int | None,
) -> HouseholdPlan:
    """Write the next version of the plan (If-Match on the current revision once one exists)."""
    household = await service.writable(session, actor, household_id)
    previous = await _latest(session, household.id)
    check_optional_version(expected_revision, previous.revision if previous else None)
    if data.responsible_organization_id is not None:
        try:
            await organizations.get(session, data.responsible_organization_id)
        except NotFound:
            raise invalid(
                ["body", "responsible_organization_id"],
                "no such organization",
                "organization_missing",
            ) from None
    if data.review_on is not None and data.review_on < actor.today:
        raise invalid(["body", "review_on"], "the review date has passed", "date_in_past")
    plan = HouseholdPlan(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        revision=(previous.revision if previous else 0) + 1,
        goals=data.goals,
        planned_measures=list(data.planned_measures),
        responsible_organization_id=data.responsible_organization_id,
        review_on=data.review_on,
        created_by=None if actor.principal.is_client else actor.principal.id,
    )
    session.add(plan)
    await session.flush()
    fields = ("goals", "planned_measures", "responsible_organization_id", "review_on")
    history.record(
        session,
        actor,
        household,
        "plan.revise",
        history.diff(
            {name: getattr(previous, name) for name in fields} if previous else {},
            {name: getattr(plan, name) for name in fields},
        ),
    )
    await audit.record(
        session,
        actor.context,
        "plan.revise",
        object_type="household_plan",
        object_id=str(plan.id),
        region_code=household.region_code,
        changed_fields=sorted(data.model_fields_set),
    )
    return plan
