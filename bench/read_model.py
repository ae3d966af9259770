"""One household with its members in three Core selects, no ORM objects (prototype; issue 5 performance).

`views.read_household` loads the record through the ORM in five statements
(the household, codes, target types, categories, members with persons),
each built, keyed for the statement cache and hydrated into identity-mapped
objects per request. This read gives the same `HouseholdOut` from three:
the scoped household row, one `UNION ALL` of its codes, target types and
categories, and its members joined to their persons. Only the scoped select
is built per request (the jurisdiction filter depends on the caller); the
other two are built once, so SQLAlchemy reuses their cache keys.

Kept with the bench, not the app: `bench/read_model_app.py` serves it for the benchmark
(docs/performance.md).
"""

import uuid
from typing import Any

from sqlalchemy import Row, Uuid, bindparam, cast, literal, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.confidentiality.service import check_social_worker
from app.core.masking import PersonalField, shown
from app.core.types import UTCDateTime
from app.households import service, views
from app.households.access import Caller
from app.households.models import Household, HouseholdCategory, HouseholdCode, HouseholdTargetType
from app.households.person_models import Membership, Person
from app.households.person_schemas import MemberOut
from app.households.repository import CAUSES, NEEDS
from app.households.schemas import CategoryOut, HouseholdOut, TargetTypeOut
from app.households.scope import visible_households

_households = Household.__table__.c
_codes = HouseholdCode.__table__.c
_types = HouseholdTargetType.__table__.c
_categories = HouseholdCategory.__table__.c
_members = Membership.__table__.c
_persons = Person.__table__.c
_ID = bindparam("household_id", type_=Uuid())

_EXTRAS = union_all(
    select(
        literal("code").label("kind"),
        _codes.list.label("a"),
        _codes.code.label("b"),
        cast(null(), Uuid()).label("ref"),
        cast(null(), UTCDateTime()).label("at"),
        cast(null(), Uuid()).label("row_id"),
    ).where(_codes.household_id == _ID),
    select(
        literal("target_type"),
        _types.target_type,
        _types.source,
        _types.assessment_id,
        _types.recorded_at,
        null(),
    ).where(_types.household_id == _ID),
    select(
        literal("category"),
        _categories.category,
        _categories.subtype,
        _categories.person_id,
        null(),
        _categories.id,
    ).where(_categories.household_id == _ID),
).order_by("kind", "a", "b", "row_id")
"""Codes by (list, code), target types by type, categories by (category, subtype, id):
the orders of the repository's three queries, in the database's own collation."""

_MEMBERS = (
    select(
        _members.relation_to_head,
        _members.joined_on,
        _persons.id,
        _persons.version,
        _persons.name,
        _persons.id_number_cipher,
        _persons.sex,
        _persons.birth_date,
        _persons.phone,
        _persons.employment,
        _persons.education,
        _persons.health,
        _persons.disability_type,
        _persons.disability_grade,
        _persons.guardian,
        _persons.caregiver,
        _persons.parents_situation,
        _persons.schooling,
        _persons.school,
    )
    .join_from(Membership.__table__, Person.__table__, _persons.id == _members.person_id)
    .where(_members.household_id == _ID, _members.active.is_(True))
    .order_by(_members.joined_on, _members.id)
)


def _member(caller: Caller, head: uuid.UUID | None, row: Row[*tuple[Any, ...]]) -> MemberOut:
    """The same fields and masking as `views.member_out`."""
    viewer = caller.viewer
    id_number = caller.vault.open(row.id_number_cipher)
    full_id = viewer.sees_full(PersonalField.id_number)
    return MemberOut(
        person_id=row.id,
        name=shown(row.name, PersonalField.name, viewer) or "",
        id_number=shown(id_number, PersonalField.id_number, viewer) or "",
        sex=row.sex,
        birth_date=row.birth_date if full_id else None,
        age=views.age_on(row.birth_date, caller.today),
        phone=shown(row.phone, PersonalField.phone, viewer),
        relation_to_head=row.relation_to_head,
        is_head=head == row.id,
        joined_on=row.joined_on,
        employment=row.employment,
        education=row.education,
        health=row.health,
        disability_type=row.disability_type,
        disability_grade=row.disability_grade,
        guardian=row.guardian,
        caregiver=row.caregiver,
        parents_situation=row.parents_situation,
        schooling=row.schooling,
        school=row.school,
        version=row.version,
    )


async def read_household(
    session: AsyncSession, caller: Caller, household_id: uuid.UUID
) -> HouseholdOut:
    """What `views.read_household` returns, read in three statements; the read is audited."""
    connection = await session.connection()
    household = (
        await connection.execute(
            select(*_households).where(
                _households.id == household_id,
                visible_households(caller.principal, _households.id, _households.region_code),
            )
        )
    ).first()
    if household is None:
        # Not visible: the service's own path gives the 404 and the `denied` event.
        await service.visible(session, caller, household_id)
        raise AssertionError("service.visible found a household the read model did not")
    await check_social_worker(session, caller.principal, household.region_code[:9], caller.today)
    extras = (await connection.execute(_EXTRAS, {"household_id": household_id})).all()
    members = (await connection.execute(_MEMBERS, {"household_id": household_id})).all()
    codes: dict[str, list[str]] = {CAUSES: [], NEEDS: []}
    types: list[TargetTypeOut] = []
    categories: list[CategoryOut] = []
    for row in extras:
        if row.kind == "code":
            codes.setdefault(row.a, []).append(row.b)
        elif row.kind == "target_type":
            types.append(
                TargetTypeOut(
                    target_type=row.a, source=row.b, assessment_id=row.ref, recorded_at=row.at
                )
            )
        else:
            categories.append(CategoryOut(category=row.a, subtype=row.b, person_id=row.ref))
    out = HouseholdOut(
        id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        address=household.address,
        hukou_place=household.hukou_place,
        hukou_type=household.hukou_type,
        settled_since=household.settled_since,
        target_types=types,
        categories=categories,
        causes=codes[CAUSES],
        needs=codes[NEEDS],
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
        members=[_member(caller, household.head_person_id, row) for row in members],
        version=household.version,
        created_at=household.created_at,
        updated_at=household.updated_at,
    )
    views.audit_read(
        session, caller, "household.read", "household", household.id, household.region_code
    )
    return out
