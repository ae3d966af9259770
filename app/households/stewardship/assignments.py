"""Assigning a household to a social-work agency and worker (Beijing 4, 7), and pairing (Yubei 3(3)3(1))."""

import uuid

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.pagination import PageRequest
from app.core.region_codes import is_within
from app.households import access, changes, history
from app.households.changes import Change
from app.households.events import Event
from app.households.models import Household, HouseholdAssignment
from app.households.record import completeness
from app.households.stewardship import repository
from app.identity.public import active_user
from app.organizations.public import organization_kind


async def list_for(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdAssignment], str | None]:
    """Who the household was assigned to, newest first, a page; the read is audited."""
    household = await access.visible(session, actor, household_id)
    access.audit_read(session, actor, "household.assignments.read", household)
    return await repository.assignments(session, household_id, page)


def _end(assignment: HouseholdAssignment) -> None:
    assignment.active = False
    assignment.ended_at = utcnow()


async def _check_assignee(
    session: ReadSession, agency_id: uuid.UUID, social_worker_id: uuid.UUID | None
) -> None:
    if await organization_kind(session, agency_id) != "social_work_agency":
        raise ValidationFailed.at(["body", "agency_id"], "not_an_agency")
    if social_worker_id is None:
        return
    worker = await active_user(session, social_worker_id)
    if worker is None or worker.role != "social_worker" or worker.organization_id != agency_id:
        raise ValidationFailed.at(["body", "social_worker_id"], "not_an_agency_worker")


def _assignment_change(
    action: str, assignment: HouseholdAssignment, diff: dict[str, dict[str, str | None]]
) -> Change:
    return Change(
        action,
        Event.changed,
        diff,
        audit_object=("household_assignment", assignment.id),
        audit_fields=["active", "agency_id", "social_worker_id"],
    )


async def assign(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    agency_id: uuid.UUID,
    social_worker_id: uuid.UUID | None,
) -> HouseholdAssignment:
    """The street assigns the household to an agency (and one of its workers); the previous
    assignment ends."""
    household = await access.writable(session, actor, household_id)
    access.require_active(household)
    await _check_assignee(session, agency_id, social_worker_id)
    previous = await repository.current_assignment(session, household.id)
    if previous is not None:
        _end(previous)
        await session.flush()
    assignment = HouseholdAssignment(
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        agency_id=agency_id,
        social_worker_id=social_worker_id,
        assigned_by=actor.principal.id,
    )
    session.add(assignment)
    await session.flush()
    # Both fields always, so the history shows whom the household went to even when only
    # the worker changed.
    diff = {
        "agency_id": {
            "before": history.plain(previous.agency_id if previous else None),
            "after": str(agency_id),
        },
        "social_worker_id": {
            "before": history.plain(previous.social_worker_id if previous else None),
            "after": history.plain(social_worker_id),
        },
    }
    await changes.record(
        session, actor, household, _assignment_change("household.assign", assignment, diff)
    )
    return assignment


async def end(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, assignment_id: uuid.UUID
) -> None:
    household = await access.writable(session, actor, household_id)
    current = await repository.current_assignment(session, household.id)
    if current is None or current.id != assignment_id:
        raise NotFound("派单", "assignment")
    _end(current)
    diff = {"agency_id": {"before": str(current.agency_id), "after": None}}
    await changes.record(
        session, actor, household, _assignment_change("household.unassign", current, diff)
    )


async def _check_pairing(session: ReadSession, household: Household, worker_id: uuid.UUID) -> None:
    """The worker must work in the household's street, so pairing never hands a record to
    another street's staff: a worker of another street is a refusal, audited (the answer is
    the same as for someone who is no such worker at all)."""
    worker = await active_user(session, worker_id)
    error = ValidationFailed.at(["body", "worker_id"], "not_a_street_worker")
    if worker is None or worker.role not in ("community_worker", "grid_worker"):
        raise error
    if worker.scope_region_code is None or not is_within(
        worker.scope_region_code, household.region_code[:9]
    ):
        raise error.refusing(region_code=household.region_code)


async def pair(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    worker_id: uuid.UUID | None,
    expected_version: int,
) -> Household:
    """Set the paired community or grid worker (对口帮扶); the household joins that worker's scope."""
    household = await access.writable(
        session, actor, household_id, expected_version=expected_version
    )
    if worker_id is not None:
        access.require_active(household)
        await _check_pairing(session, household, worker_id)
    before = household.paired_worker_id
    household.paired_worker_id = worker_id
    diff = history.diff({"paired_worker_id": before}, {"paired_worker_id": worker_id})
    if diff:
        await completeness.refresh(session, household, actor.today)
    await changes.record(
        session,
        actor,
        household,
        Change("household.pair", Event.changed, diff, audit_fields=list(diff)),
    )
    return household


async def release(session: WriteSession, actor: Actor, household: Household) -> None:
    """End the active assignment and the pairing of a household leaving the ledger, each with
    its history entry (Beijing 5): no one is left looking after an exited household."""
    current = await repository.current_assignment(session, household.id)
    if current is not None:
        _end(current)
        diff = {"agency_id": {"before": str(current.agency_id), "after": None}}
        await changes.record(
            session, actor, household, _assignment_change("household.unassign", current, diff)
        )
    if household.paired_worker_id is not None:
        diff = history.diff(
            {"paired_worker_id": household.paired_worker_id}, {"paired_worker_id": None}
        )
        household.paired_worker_id = None
        # The record now lacks its paired worker: completeness says so (DOMAIN 4).
        await completeness.refresh(session, household, actor.today)
        await changes.record(
            session,
            actor,
            household,
            Change("household.pair", Event.changed, diff, audit_fields=list(diff)),
        )
