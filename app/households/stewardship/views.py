"""Plans and assignments as the API shows them: who wrote or assigned them, named (one
query for a page, `identity.public.actor_refs`)."""

from app.core.db import ReadSession
from app.households.models import HouseholdAssignment, HouseholdPlan
from app.households.stewardship.schemas import AssignmentOut, PlanItemOut, PlanOut
from app.identity.public import actor_refs


async def plans_out(session: ReadSession, plans: list[HouseholdPlan]) -> list[PlanOut]:
    actors = await actor_refs(session, [p.created_by for p in plans if p.created_by])
    return [
        PlanOut(
            id=p.id,
            household_id=p.household_id,
            revision=p.revision,
            goals=p.goals,
            planned_measures=p.planned_measures,
            items=[PlanItemOut.model_validate(item) for item in p.items],
            responsible_organization_id=p.responsible_organization_id,
            review_on=p.review_on,
            created_by=actors[p.created_by] if p.created_by else None,
            created_at=p.created_at,
        )
        for p in plans
    ]


async def plan_out(session: ReadSession, plan: HouseholdPlan) -> PlanOut:
    (found,) = await plans_out(session, [plan])
    return found


async def assignments_out(
    session: ReadSession, assignments: list[HouseholdAssignment]
) -> list[AssignmentOut]:
    named = [a.assigned_by for a in assignments]
    named += [a.social_worker_id for a in assignments if a.social_worker_id]
    actors = await actor_refs(session, named)
    return [
        AssignmentOut(
            id=a.id,
            household_id=a.household_id,
            agency_id=a.agency_id,
            social_worker=actors[a.social_worker_id] if a.social_worker_id else None,
            assigned_by=actors[a.assigned_by],
            active=a.active,
            created_at=a.created_at,
            ended_at=a.ended_at,
        )
        for a in assignments
    ]


async def assignment_out(session: ReadSession, assignment: HouseholdAssignment) -> AssignmentOut:
    (found,) = await assignments_out(session, [assignment])
    return found
