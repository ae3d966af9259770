"""Home visits (入户访谈, DOMAIN 6): scheduled by street officers and community workers,
assigned to a visitor, recorded by that visitor with findings, a needs assessment (需求评估)
and the plan drawn from it (方案制订).

A visit by a social-work agency's worker meets the household's home-visit deadlines
(1 working day after a hardship was learned of, or after approval; Yubei 3(5)): a visit by
anyone else is recorded all the same but meets none.
"""

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select

from app.core.auth import Actor, Forbidden
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import object_named
from app.core.pagination import PageRequest, paginate
from app.core.permissions import Role
from app.core.region_codes import is_within
from app.dictionaries.public import unknown_codes
from app.households import public as households
from app.identity.public import active_user
from app.intake.deadlines import service as deadlines
from app.intake.deadlines.rules import VISITS, Kind
from app.intake.inbox.service import notify
from app.intake.models import Application, Deadline, HomeVisit
from app.intake.visits import errors as _errors  # noqa: F401  (registers the field messages)
from app.intake.visits.schemas import (
    EARLIEST_SCHEDULE_DAYS,
    HomeVisitCancelIn,
    HomeVisitIn,
    HomeVisitRecordIn,
)
from app.intake.visits.states import MACHINE, Step, VisitStatus
from app.organizations.public import organization_kind

SOCIAL_WORK_AGENCY = "social_work_agency"
CLOSED_HOUSEHOLD = frozenset({"exited", "declined"})
ASSIGNED = "home_visit.assigned"
RECORDED = "home_visit.recorded"
CANCELLED = "home_visit.cancelled"


def _visits(actor: Actor) -> Select[Any]:
    """Visits the actor may see: region staff their reach; a social worker its own visits of
    households assigned to it."""
    stmt = select(HomeVisit).where(
        households.jurisdiction(actor.reach, HomeVisit.household_id, HomeVisit.region_code)
    )
    if actor.principal.role is Role.social_worker:
        stmt = stmt.where(HomeVisit.visitor_id == actor.principal.id)
    return stmt


async def visible(session: ReadSession, actor: Actor, visit_id: uuid.UUID) -> HomeVisit:
    found: HomeVisit | None = await session.scalar(_visits(actor).where(HomeVisit.id == visit_id))
    if found is None:
        raise NotFound("入户访谈", "home visit")
    return found


async def page(
    session: ReadSession,
    actor: Actor,
    page_request: PageRequest,
    *,
    status: VisitStatus | None,
    visitor_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
) -> tuple[list[HomeVisit], str | None]:
    stmt = _visits(actor)
    if status is not None:
        stmt = stmt.where(HomeVisit.status == status.value)
    if visitor_id is not None:
        stmt = stmt.where(HomeVisit.visitor_id == visitor_id)
    if household_id is not None:
        stmt = stmt.where(HomeVisit.household_id == household_id)
    scope = f"home_visits:{actor.principal.id}:{status}:{visitor_id}:{household_id}"
    return await paginate(session, stmt, [HomeVisit.id], page_request, scope=scope)


async def _check_visitor(
    session: ReadSession, household: households.HouseholdRef, visitor_id: uuid.UUID
) -> uuid.UUID | None:
    """The visitor's organisation; 422 unless the visitor is the household's assigned social
    worker or a community worker of its community."""
    visitor = await active_user(session, visitor_id)
    error = ValidationFailed.at(["body", "visitor_id"], "not_a_visitor")
    if visitor is None:
        raise error
    if visitor.role == Role.social_worker.value:
        if await households.assigned_social_worker(session, household.id) != visitor.id:
            raise error
    elif visitor.role == Role.community_worker.value:
        scope = visitor.scope_region_code
        if scope is None or not is_within(household.region_code, scope):
            raise error.refusing(region_code=household.region_code)
    else:
        raise error
    return visitor.organization_id


async def schedule(session: WriteSession, actor: Actor, data: HomeVisitIn) -> HomeVisit:
    """Schedule a visit of a household in the actor's reach and tell the visitor
    (`home_visit.assigned`)."""
    household = await households.visible(session, actor, data.household_id)
    if household.status in CLOSED_HOUSEHOLD:
        raise ValidationFailed.at(["body", "household_id"], "household_closed")
    earliest = actor.today - timedelta(days=EARLIEST_SCHEDULE_DAYS)
    if data.scheduled_on < earliest:
        raise ValidationFailed.at(
            ["body", "scheduled_on"], "too_early", earliest=earliest.isoformat()
        )
    organization_id = await _check_visitor(session, household, data.visitor_id)
    if data.application_id is not None:
        found = await session.scalar(
            select(Application.id).where(
                Application.id == data.application_id,
                Application.household_id == household.id,
            )
        )
        if found is None:
            raise ValidationFailed.at(
                ["body", "application_id"], "not_found", **object_named("申请", "application")
            )
    visit = HomeVisit(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        status=VisitStatus.scheduled.value,
        application_id=data.application_id,
        scheduled_on=data.scheduled_on,
        scheduled_by=actor.principal.id,
        visitor_id=data.visitor_id,
        visitor_organization_id=organization_id,
    )
    session.add(visit)
    await session.flush()
    notify(
        session,
        ASSIGNED,
        _payload(visit),
        recipients=[visit.visitor_id],
        subject_type="home_visit",
        subject_id=visit.id,
        household_id=visit.household_id,
    )
    return visit


async def _for_change(
    session: WriteSession, actor: Actor, visit_id: uuid.UUID, expected: int, step: Step
) -> HomeVisit:
    visit = await visible(session, actor, visit_id)
    check_version(expected, visit.version)
    visit.status = MACHINE.next(VisitStatus(visit.status), step).value
    visit.version += 1
    return visit


async def record(
    session: WriteSession, actor: Actor, visit_id: uuid.UUID, expected: int, data: HomeVisitRecordIn
) -> tuple[HomeVisit, int | None]:
    """The visitor records the visit; the household's needs and plan follow it, and, when the
    visitor is a social-work agency's worker, its home-visit deadlines are met on the day
    of the visit. Returns the visit and the household's version when it did not change
    (None when it did: its recorded change says the new one)."""
    visit = await visible(session, actor, visit_id)
    if visit.visitor_id != actor.principal.id:
        raise Forbidden().refusing(object_type="home_visit", object_id=str(visit.id))
    visit = await _for_change(session, actor, visit_id, expected, Step.record)
    if data.visited_on > actor.today:
        raise ValidationFailed.at(["body", "visited_on"], "date_in_future")
    if data.visited_on < visit.scheduled_on:
        raise ValidationFailed.at(
            ["body", "visited_on"], "too_early", earliest=visit.scheduled_on.isoformat()
        )
    unknown = await unknown_codes(session, "need", data.needs_found)
    if unknown:
        index = data.needs_found.index(unknown[0])
        raise ValidationFailed.at(["body", "needs_found", index], "unknown_code")
    on_file = await households.documents_on_file(session, visit.household_id, data.document_ids)
    for index, document_id in enumerate(data.document_ids):
        if document_id not in on_file:
            raise ValidationFailed.at(["body", "document_ids", index], "not_on_file")
    household = await households.writable(session, actor, visit.household_id)
    if household.status in CLOSED_HOUSEHOLD:
        raise ValidationFailed.at(["body"], "household_closed")
    visit.visited_on = data.visited_on
    visit.living_situation = data.living_situation
    visit.note = data.note
    visit.needs_found = sorted(set(data.needs_found))
    visit.assessment = data.assessment
    visit.document_ids = [str(d) for d in data.document_ids]
    visit.recorded_by = actor.principal.id
    visit.recorded_at = utcnow()
    changed = False
    if data.needs_found:
        await households.note_needs(
            session,
            actor,
            household,
            data.needs_found,
            source="home_visit",
            source_id=visit.id,
            noted_on=data.visited_on,
        )
        changed = True
    if data.plan is not None:
        visit.plan_revision = await households.revise_plan(session, actor, household.id, data.plan)
        changed = True
    if await _by_agency(session, visit):
        await deadlines.meet(
            session,
            VISITS,
            data.visited_on,
            household_id=visit.household_id,
            application_id=visit.application_id,
            visit_id=visit.id,
        )
    notify(
        session,
        RECORDED,
        _payload(visit),
        recipients=[visit.scheduled_by],
        subject_type="home_visit",
        subject_id=visit.id,
        household_id=visit.household_id,
    )
    return visit, None if changed else household.version


async def cancel(
    session: WriteSession, actor: Actor, visit_id: uuid.UUID, expected: int, data: HomeVisitCancelIn
) -> HomeVisit:
    """Cancel a scheduled visit (its scheduler's colleagues or the visitor); the visitor is
    told (`home_visit.cancelled`)."""
    if actor.reach.read_only:
        raise Forbidden()
    visit = await _for_change(session, actor, visit_id, expected, Step.cancel)
    visit.cancel_reason = data.reason
    notify(
        session,
        CANCELLED,
        _payload(visit),
        recipients=[visit.visitor_id, visit.scheduled_by],
        subject_type="home_visit",
        subject_id=visit.id,
        household_id=visit.household_id,
    )
    return visit


async def _by_agency(session: ReadSession, visit: HomeVisit) -> bool:
    organization = visit.visitor_organization_id
    return (
        organization is not None
        and await organization_kind(session, organization) == SOCIAL_WORK_AGENCY
    )


async def facts(session: ReadSession, visit: HomeVisit) -> tuple[bool, list[Kind]]:
    """Whether a social-work agency's worker visits, and the kinds of deadlines it met."""
    met = await session.scalars(
        select(Deadline.kind)
        .where(Deadline.done_by_visit_id == visit.id, Deadline.status == "met")
        .order_by(Deadline.kind)
    )
    return await _by_agency(session, visit), [Kind(kind) for kind in met]


def _payload(visit: HomeVisit) -> dict[str, Any]:
    return {
        "home_visit_id": str(visit.id),
        "status": visit.status,
        "household_id": str(visit.household_id),
        "region_code": visit.region_code,
        "version": visit.version,
    }


async def any_visits(session: ReadSession) -> bool:
    """Whether any home visit is recorded or scheduled (the demo seeds them once)."""
    return await session.scalar(select(HomeVisit.id).limit(1)) is not None
