"""Assigning a household to a social-work agency and worker (Beijing 4, 7), and pairing (Yubei 3(3)3(1))."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.auth import Actor
from app.core.db import utcnow
from app.core.errors import NotFound
from app.core.etag import check_version
from app.core.region_codes import is_within
from app.households import history, service
from app.households.errors import invalid
from app.households.models import Household, HouseholdAssignment
from app.identity import users
from app.organizations import service as organizations


async def _current(session: AsyncSession, household_id: uuid.UUID) -> HouseholdAssignment | None:
    return (
        await session.execute(
            select(HouseholdAssignment).where(
                HouseholdAssignment.household_id == household_id,
                HouseholdAssignment.active.is_(True),
            )
        )
    ).scalar_one_or_none()


async def list_for(
    session: AsyncSession, actor: Actor, household_id: uuid.UUID
) -> list[HouseholdAssignment]:
    await service.visible(session, actor, household_id)
    rows = await session.scalars(
        select(HouseholdAssignment)
        .where(HouseholdAssignment.household_id == household_id)
        .order_by(HouseholdAssignment.id.desc())
    )
    return list(rows)


def _end(assignment: HouseholdAssignment) -> None:
    assignment.active = False
    assignment.ended_at = utcnow()


async def assign(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    agency_id: uuid.UUID,
    social_worker_id: uuid.UUID | None,
) -> HouseholdAssignment:
    """The street assigns the household to an agency (and one of its workers); the previous assignment ends."""
    household = await service.writable(session, actor, household_id)
    try:
        agency = await organizations.get(session, agency_id)
    except NotFound:
        agency = None
    if agency is None or agency.kind != "social_work_agency":
        raise invalid(["body", "agency_id"], "not a social-work agency", "not_an_agency")
    if social_worker_id is not None:
        try:
            worker = await users.get(session, social_worker_id)
        except NotFound:
            worker = None
        if (
            worker is None
            or worker.role != "social_worker"
            or worker.organization_id != agency.id
            or not worker.active
        ):
            raise invalid(
                ["body", "social_worker_id"],
                "not an active social worker of that agency",
                "not_an_agency_worker",
            )
    previous = await _current(session, household.id)
    if previous is not None:
        _end(previous)
        await session.flush()
    assignment = HouseholdAssignment(
        household_id=household.id,
        region_code=household.region_code,
        agency_id=agency.id,
        social_worker_id=social_worker_id,
        assigned_by=actor.principal.id,
    )
    session.add(assignment)
    await session.flush()
    history.record(
        session,
        actor,
        household,
        "household.assign",
        {
            "agency_id": {
                "before": str(previous.agency_id) if previous else None,
                "after": str(agency.id),
            },
            "social_worker_id": {
                "before": str(previous.social_worker_id)
                if previous and previous.social_worker_id
                else None,
                "after": str(social_worker_id) if social_worker_id else None,
            },
        },
    )
    await _audit(session, actor, household, "household.assign", assignment)
    return assignment


async def end(
    session: AsyncSession, actor: Actor, household_id: uuid.UUID, assignment_id: uuid.UUID
) -> None:
    household = await service.writable(session, actor, household_id)
    current = await _current(session, household.id)
    if current is None or current.id != assignment_id:
        raise NotFound("派单", "assignment")
    _end(current)
    history.record(
        session,
        actor,
        household,
        "household.unassign",
        {"agency_id": {"before": str(current.agency_id), "after": None}},
    )
    await _audit(session, actor, household, "household.unassign", current)


async def _audit(
    session: AsyncSession,
    actor: Actor,
    household: Household,
    action: str,
    assignment: HouseholdAssignment,
) -> None:
    await audit.record(
        session,
        actor.context,
        action,
        object_type="household_assignment",
        object_id=str(assignment.id),
        region_code=household.region_code,
        changed_fields=["active", "agency_id", "social_worker_id"],
    )


async def pair(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    worker_id: uuid.UUID | None,
    expected_version: int,
) -> Household:
    """Set the paired community or grid worker (对口帮扶); the household joins that worker's scope.

    The worker must work in the same street, so pairing never hands a record
    to another street's staff.
    """
    household = await service.writable(session, actor, household_id)
    check_version(expected_version, household.version)
    if worker_id is not None:
        try:
            worker = await users.get(session, worker_id)
        except NotFound:
            worker = None
        street = household.region_code[:9]
        if (
            worker is None
            or worker.role not in ("community_worker", "grid_worker")
            or not worker.active
            or worker.scope_region_code is None
            or not is_within(worker.scope_region_code, street)
        ):
            raise invalid(
                ["body", "worker_id"],
                "not an active community or grid worker of this street",
                "not_a_street_worker",
            )
    before = household.paired_worker_id
    if before != worker_id:
        household.paired_worker_id = worker_id
        service.touch(household)
        history.record(
            session,
            actor,
            household,
            "household.pair",
            history.diff({"paired_worker_id": before}, {"paired_worker_id": worker_id}),
        )
    await audit.record(
        session,
        actor.context,
        "household.pair",
        object_type="household",
        object_id=str(household.id),
        region_code=household.region_code,
        changed_fields=["paired_worker_id"] if before != worker_id else [],
    )
    return household
