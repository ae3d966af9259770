"""Shaping ledger records for a caller: masking per role, personal-data reads audited (DOMAIN 1, 4; Beijing 7)."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.masking import PersonalField, Viewer, shown
from app.households import history, repository, service
from app.households.models import Household, HouseholdChange
from app.households.person_models import Membership, Person
from app.households.person_schemas import MemberOut
from app.households.repository import CAUSES, NEEDS
from app.households.schemas import (
    CategoryOut,
    ChangeOut,
    HouseholdOut,
    HouseholdSummary,
    TargetTypeOut,
)


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def member_out(
    actor: Actor,
    head_person_id: uuid.UUID | None,
    membership: Membership | Row[Any],
    person: Person | Row[Any],
) -> MemberOut:
    """A member for this caller; `membership` and `person` may be one row of
    `repository.member_rows` (it carries both)."""
    viewer = actor.viewer
    id_number = actor.services.vault.open(person.id_number_cipher)
    full_id = viewer.sees_full(PersonalField.id_number)
    return MemberOut(
        person_id=person.id,
        name=shown(person.name, PersonalField.name, viewer) or "",
        id_number=shown(id_number, PersonalField.id_number, viewer) or "",
        sex=person.sex,
        birth_date=person.birth_date if full_id else None,
        age=age_on(person.birth_date, actor.today),
        phone=shown(person.phone, PersonalField.phone, viewer),
        relation_to_head=membership.relation_to_head,
        is_head=head_person_id == person.id,
        joined_on=membership.joined_on,
        employment=person.employment,
        education=person.education,
        health=person.health,
        disability_type=person.disability_type,
        disability_grade=person.disability_grade,
        guardian=person.guardian,
        caregiver=person.caregiver,
        parents_situation=person.parents_situation,
        schooling=person.schooling,
        school=person.school,
        version=person.version,
    )


def audit_read(
    session: AsyncSession,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: uuid.UUID,
    region: str,
) -> None:
    """Every read of personal data leaves an event, even if the request later fails (Beijing 7)."""
    audit.record_after(
        session,
        actor.services.database,
        actor.context,
        action,
        outcome=audit.Outcome.success,
        object_type=object_type,
        object_id=str(object_id),
        region_code=region,
    )


async def household_out(session: AsyncSession, actor: Actor, household: Household) -> HouseholdOut:
    """The record as stored (flushed changes included), in two statements besides the household."""
    return record_out(actor, household, await repository.record_rows(session, household.id))


def record_out(
    actor: Actor, household: Household | Row[Any], rows: repository.RecordRows
) -> HouseholdOut:
    return HouseholdOut(
        id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        address=household.address,
        hukou_place=household.hukou_place,
        hukou_type=household.hukou_type,
        settled_since=household.settled_since,
        target_types=[
            TargetTypeOut(target_type=t.a, source=t.b, assessment_id=t.ref, recorded_at=t.at)
            for t in rows.target_types
        ],
        categories=[
            CategoryOut(category=c.a, subtype=c.b, person_id=c.ref) for c in rows.categories
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
        members=[member_out(actor, household.head_person_id, m, m) for m in rows.members],
        version=household.version,
        created_at=household.created_at,
        updated_at=household.updated_at,
    )


async def read_household(
    session: ReadSession, actor: Actor, household_id: uuid.UUID
) -> HouseholdOut:
    """One record with its members, masked for the caller; the read is audited."""
    household, rows = await service.personal_record(session, actor, household_id)
    out = record_out(actor, household, rows)
    audit_read(session, actor, "household.read", "household", household.id, household.region_code)
    return out


async def summaries_out(
    session: AsyncSession, viewer: Viewer, households: list[Row[Any]]
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
