"""Shaping ledger records for an actor: masking per role, personal-data reads audited (DOMAIN 1, 4; Beijing 7)."""

import uuid
from typing import Any

from sqlalchemy import Row

from app.core.actors import ActorRef
from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.masking import PersonalField, Viewer, shown
from app.dictionaries.public import Labels
from app.households import access, history
from app.households.decisions.schemas import DecisionOut
from app.households.members.views import member_out
from app.households.models import CAUSES, NEEDS, Household, HouseholdChange
from app.households.record import listing, repository
from app.households.record.gap_labels import gap_labels
from app.households.record.repository import RecordRows
from app.households.record.schemas import (
    CategoryOut,
    ChangeOut,
    HouseholdOut,
    HouseholdSummary,
    MissingFieldOut,
)
from app.identity.public import actor_refs


async def paired_worker_of(session: ReadSession, worker_id: uuid.UUID | None) -> ActorRef | None:
    """The paired worker as an actor reference (one lookup, only when someone is paired)."""
    if worker_id is None:
        return None
    return (await actor_refs(session, [worker_id]))[worker_id]


def _missing_field(key: str) -> MissingFieldOut:
    """A key of a kind the labels do not know (none today) reads as itself."""
    return MissingFieldOut(field=key, label=gap_labels(key) or Labels(zh_cn=key, en=key))


def record_out(
    actor: Actor,
    household: Household | Row[Any],
    rows: RecordRows,
    paired_worker: ActorRef | None = None,
) -> HouseholdOut:
    return HouseholdOut(
        id=household.id,
        ledger_number=household.ledger_number,
        region_code=household.region_code,
        district_code=household.district_code,
        address=household.address,
        hukou_region_code=household.hukou_region_code,
        hukou_place=household.hukou_place,
        hukou_type=household.hukou_type,
        settled_since=household.settled_since,
        target_types=[t.target_type for t in rows.target_types],
        target_type_decisions=[
            DecisionOut(
                id=t.decision_id,
                household_id=household.id,
                target_type=t.target_type,
                source=t.source,
                deciding_body=t.deciding_body,
                decided_on=t.decided_on,
                reference=t.reference,
                ends_on=t.ends_on,
                assessment_id=t.assessment_id,
                recorded_by=t.recorded_by,
                recorded_at=t.recorded_at,
                ended_on=None,
                end_reason=None,
                end_note=None,
                ended_by=None,
                ended_at=None,
                in_force=True,
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
        paired_worker=paired_worker,
        complete=household.complete,
        missing_fields=household.missing_fields,
        missing_field_labels=[_missing_field(key) for key in household.missing_fields],
        members=[member_out(actor, household.head_person_id, m) for m in rows.members],
        version=household.version,
        created_at=household.created_at,
        updated_at=household.updated_at,
    )


async def household_out(session: ReadSession, actor: Actor, household: Household) -> HouseholdOut:
    """The record as stored (flushed changes included)."""
    await session.flush()
    rows = await repository.record_rows(session, household.id)
    return record_out(
        actor, household, rows, await paired_worker_of(session, household.paired_worker_id)
    )


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
    return record_out(
        actor, household, rows, await paired_worker_of(session, household.paired_worker_id)
    )


async def summaries_out(
    session: ReadSession, viewer: Viewer, households: list[Row[Any]]
) -> list[HouseholdSummary]:
    details = await listing.page_details(session, [h.id for h in households])
    return [
        HouseholdSummary(
            id=h.id,
            ledger_number=h.ledger_number,
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


async def changes_out(
    session: ReadSession, changes: list[HouseholdChange], viewer: Viewer
) -> list[ChangeOut]:
    """History entries with their actors named (one query for the page)."""
    actors = await actor_refs(session, [c.actor for c in changes])
    return [change_out(c, viewer, actors[c.actor]) for c in changes]


def change_out(change: HouseholdChange, viewer: Viewer, actor: ActorRef) -> ChangeOut:
    return ChangeOut(
        id=change.id,
        occurred_at=change.occurred_at,
        actor=actor,
        actor_role=change.actor_role,
        action=change.action,
        person_id=change.person_id,
        changes=history.masked_changes(change.changes, viewer),
    )
