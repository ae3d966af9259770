"""Shaping ledger records for an actor: masking per role, personal-data reads audited (DOMAIN 1, 4; Beijing 7)."""

import uuid
from typing import Any

from sqlalchemy import Row

from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.masking import PersonalField, Viewer, shown
from app.households import access, history
from app.households.members.views import member_out
from app.households.models import CAUSES, NEEDS, Household, HouseholdChange
from app.households.record import repository
from app.households.record.repository import RecordRows
from app.households.record.schemas import (
    CategoryOut,
    ChangeOut,
    HouseholdOut,
    HouseholdSummary,
    TargetTypeOut,
)


def record_out(actor: Actor, household: Household | Row[Any], rows: RecordRows) -> HouseholdOut:
    return HouseholdOut(
        id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        address=household.address,
        hukou_region_code=household.hukou_region_code,
        hukou_place=household.hukou_place,
        hukou_type=household.hukou_type,
        settled_since=household.settled_since,
        target_types=[
            TargetTypeOut(
                target_type=t.target_type,
                source=t.source,
                assessment_id=t.assessment_id,
                recorded_at=t.recorded_at,
            )
            for t in rows.target_types
        ],
        categories=[
            CategoryOut(category=c.category, subtype=c.subtype, person_id=c.person_id)
            for c in rows.categories
        ],
        causes=rows.codes.get(CAUSES, []),
        needs=rows.codes.get(NEEDS, []),
        benefits=household.benefits,
        measures=household.measures,
        no_help_reason=household.no_help_reason,
        no_help_note=household.no_help_note,
        basic_situation=household.basic_situation,
        emergency_situation=household.emergency_situation,
        status=household.status,
        exited_on=household.exited_on,
        exit_reason=household.exit_reason,
        exit_note=household.exit_note,
        attention=household.attention,
        head_person_id=household.head_person_id,
        paired_worker_id=household.paired_worker_id,
        complete=household.complete,
        missing_fields=household.missing_fields,
        members=[member_out(actor, household.head_person_id, m) for m in rows.members],
        version=household.version,
        created_at=household.created_at,
        updated_at=household.updated_at,
    )


async def household_out(session: ReadSession, actor: Actor, household: Household) -> HouseholdOut:
    """The record as stored (flushed changes included)."""
    await session.flush()
    return record_out(actor, household, await repository.record_rows(session, household.id))


async def read_household(
    session: ReadSession, actor: Actor, household_id: uuid.UUID
) -> HouseholdOut:
    """One record with its members, masked for the actor; the read is audited. Nothing of
    it leaves before the checks pass."""
    found = await repository.read_visible(session, actor.reach, household_id)
    if found is None:
        await access.not_visible(session, household_id)
    household, rows = found
    await access.check_personal(session, actor, household.region_code)
    access.audit_read(session, actor, "household.read", household)
    return record_out(actor, household, rows)


async def summaries_out(
    session: ReadSession, viewer: Viewer, households: list[Row[Any]]
) -> list[HouseholdSummary]:
    details = await repository.page_details(session, [h.id for h in households])
    return [
        HouseholdSummary(
            id=h.id,
            region_code=h.region_code,
            address=h.address,
            status=h.status,
            head_name=shown(details.heads.get(h.id), PersonalField.name, viewer),
            target_types=details.target_types.get(h.id, []),
            categories=details.categories.get(h.id, []),
            complete=h.complete,
            attention=h.attention,
            version=h.version,
            updated_at=h.updated_at,
        )
        for h in households
    ]


def change_out(change: HouseholdChange, viewer: Viewer) -> ChangeOut:
    return ChangeOut(
        id=change.id,
        occurred_at=change.occurred_at,
        actor=change.actor,
        actor_role=change.actor_role,
        action=change.action,
        person_id=change.person_id,
        changes=history.masked_changes(change.changes, viewer),
    )
