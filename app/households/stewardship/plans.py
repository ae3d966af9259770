"""Each household's own plan (一户一策, Beijing 8(4)): versions are kept, never changed."""

import uuid

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, new_id
from app.core.errors import ValidationFailed
from app.core.etag import check_optional_version
from app.core.field_messages import object_named
from app.core.pagination import PageRequest
from app.households import access, changes, history
from app.households.changes import Change
from app.households.errors import PlanNotFound
from app.households.events import Event
from app.households.models import HouseholdPlan
from app.households.record import completeness
from app.households.stewardship import repository
from app.households.stewardship.plan_items import GivenItem, next_items
from app.households.stewardship.schemas import PlanIn
from app.organizations.public import organization_kind

_FIELDS = ("revision", "goals", "planned_measures", "responsible_organization_id", "review_on")
"""What the history keeps of a version; the revision always changes, so every version has
its entry."""


async def current(session: ReadSession, actor: Actor, household_id: uuid.UUID) -> HouseholdPlan:
    """The household's current plan; the read is audited (Beijing 7)."""
    household = await access.personal(session, actor, household_id)
    plan = await repository.latest_plan(session, household_id)
    if plan is None:
        raise PlanNotFound()
    access.audit_read(session, actor, "household.plan.read", household)
    return plan


async def versions(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdPlan], str | None]:
    """The versions of the household's plan, newest first, a page; the read is audited
    (Beijing 7)."""
    household = await access.personal(session, actor, household_id)
    access.audit_read(session, actor, "household.plan.versions.read", household)
    return await repository.plans(session, household_id, page)


def _items(previous: HouseholdPlan | None, data: PlanIn) -> list[dict[str, str]]:
    """The next version's items: by id (`items`) or by text (`planned_measures`)."""
    if data.items is not None and data.planned_measures is not None:
        raise ValidationFailed.at(["body", "items"], "items_or_texts")
    if data.items is not None:
        given = [GivenItem(item.text, item.id) for item in data.items]
        loc: list[str | int] = ["body", "items"]
    else:
        given = [GivenItem(text) for text in data.planned_measures or []]
        loc = ["body", "planned_measures"]
    return next_items(previous.items if previous else [], given, new_id, loc=loc)


async def revise(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    data: PlanIn,
    expected_revision: int | None,
) -> HouseholdPlan:
    """Write the next version of the plan (If-Match on the current revision once one exists)."""
    household = await access.writable(session, actor, household_id)
    access.require_active(household)
    previous = await repository.latest_plan(session, household.id)
    check_optional_version(expected_revision, previous.revision if previous else None)
    organization = data.responsible_organization_id
    if organization is not None and await organization_kind(session, organization) is None:
        raise ValidationFailed.at(
            ["body", "responsible_organization_id"],
            "not_found",
            **object_named("机构", "organization"),
        )
    if data.review_on is not None and data.review_on < actor.today:
        raise ValidationFailed.at(["body", "review_on"], "date_in_past")
    items = _items(previous, data)
    plan = HouseholdPlan(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        revision=(previous.revision if previous else 0) + 1,
        goals=data.goals,
        planned_measures=[item["text"] for item in items],
        items=items,
        responsible_organization_id=organization,
        review_on=data.review_on,
        created_by=None if actor.principal.is_client else actor.principal.id,
    )
    session.add(plan)
    await session.flush()
    if previous is None:
        await completeness.refresh(session, household, actor.today)
    diff = history.diff(
        {name: getattr(previous, name) for name in _FIELDS} if previous else {},
        {name: getattr(plan, name) for name in _FIELDS},
    )
    await changes.record(
        session,
        actor,
        household,
        Change(
            "plan.revise",
            Event.plan_versioned,
            diff,
            audit_object=("household_plan", plan.id),
            audit_fields=sorted(data.model_fields_set),
        ),
    )
    return plan
