"""The household record (台账): create, read, change, list (DOMAIN 3-4; Beijing 1, 3; Yubei 3(1))."""

import uuid
from typing import Any, NoReturn

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from app.confidentiality.service import check_social_worker, streets_open_to
from app.core import audit
from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.errors import NotFound
from app.core.etag import check_version
from app.core.pagination import PageRequest
from app.core.permissions import Role
from app.dictionaries import service as dictionaries
from app.households import completeness, history, members, repository, validation
from app.households.errors import invalid
from app.households.models import Household, HouseholdCategory, HouseholdTargetType
from app.households.person_models import Person
from app.households.person_schemas import MemberIn
from app.households.relocation import relocate
from app.households.repository import CAUSES, NEEDS, HouseholdFilters, RecordRows
from app.households.schemas import (
    HouseholdCategoryIn,
    HouseholdCreate,
    HouseholdFields,
    HouseholdPatch,
)
from app.regions import service as regions

_OPEN_LISTS = {"causes": "hardship_cause", "needs": "need"}
RECORD_FIELDS = (
    "hukou_place",
    "hukou_type",
    "settled_since",
    "benefits",
    "measures",
    "no_help_reason",
    "no_help_note",
    "basic_situation",
    "emergency_situation",
)


async def visible(
    session: AsyncSession, actor: Actor, household_id: uuid.UUID, *, for_update: bool = False
) -> Household:
    """The household if the caller may see it; else 404 (and a `denied` event if it exists)."""
    household = await repository.get_visible(
        session, actor.reach, household_id, for_update=for_update
    )
    if household is None:
        await _not_visible(session, actor, household_id)
    return household


async def _not_visible(session: AsyncSession, actor: Actor, household_id: uuid.UUID) -> NoReturn:
    if await repository.exists_anywhere(session, household_id):
        audit.record_after(
            session,
            actor.services.database,
            actor.context,
            "denied:household.read",
            outcome=audit.Outcome.denied,
            object_type="household",
            object_id=str(household_id),
        )
    raise NotFound("家庭", "household")


async def personal(session: AsyncSession, actor: Actor, household_id: uuid.UUID) -> Household:
    """A visible household whose personal data the caller may read (Beijing 7 for social workers)."""
    household = await visible(session, actor, household_id)
    await check_social_worker(session, actor.principal, household.region_code[:9], actor.today)
    return household


async def personal_record(
    session: ReadSession, actor: Actor, household_id: uuid.UUID
) -> tuple[Any, RecordRows]:
    """`personal` for a read that changes nothing: the household as a row with its
    lists and members, read together; nothing of it leaves before the checks pass."""
    found = await repository.read_visible(session, actor.reach, household_id)
    if found is None:
        await _not_visible(session, actor, household_id)
    await check_social_worker(session, actor.principal, found[0].region_code[:9], actor.today)
    return found


async def writable(session: AsyncSession, actor: Actor, household_id: uuid.UUID) -> Household:
    """A visible household locked for a change (PostgreSQL row lock; SQLite writers are serial)."""
    household = await visible(session, actor, household_id, for_update=True)
    await check_social_worker(session, actor.principal, household.region_code[:9], actor.today)
    return household


def touch(household: Household) -> None:
    household.version += 1


async def _check_region(session: AsyncSession, actor: Actor, code: str) -> None:
    validation.check_region(
        code,
        actor.principal.scope_region,
        exists=await regions.exists(session, code),
        loc=["body", "region_code"],
    )


async def _check_open_codes(session: AsyncSession, data: HouseholdFields) -> None:
    for field, table in (*_OPEN_LISTS.items(), ("no_help_reason", "no_help_reason")):
        value = getattr(data, field)
        values = [value] if isinstance(value, str) else list(value or [])
        unknown = await dictionaries.unknown_codes(session, table, values)
        if unknown:
            raise invalid(["body", field], f"not a code of {table}: {unknown[0]!r}", "unknown_code")


def _check_target_types(values: list[str]) -> None:
    validation.check_target_types(values, ["body", "target_types"])


def _check_categories(items: list[HouseholdCategoryIn], member_ids: set[uuid.UUID]) -> None:
    for index, item in enumerate(items):
        loc: list[str | int] = ["body", "categories", index]
        validation.check_subtype(item.category, item.subtype, [*loc, "subtype"])
        if item.person_id is not None and item.person_id not in member_ids:
            raise invalid(
                [*loc, "person_id"], "not an active member of this household", "not_a_member"
            )


def _check_new_members(items: list[MemberIn]) -> None:
    """Members given with a new household: one head, subtypes of their own categories, no one twice."""
    members.check_heads(items)
    seen: set[str] = set()
    for index, item in enumerate(items):
        loc: list[str | int] = ["body", "members", index]
        for position, category in enumerate(item.categories):
            validation.check_subtype(
                category.category, category.subtype, [*loc, "categories", position, "subtype"]
            )
        # The ID check's own normalisation, so "...x" and "...X" are one person.
        number = item.id_number.strip().upper()
        if number in seen:
            raise invalid([*loc, "id_number"], "the same person is given twice", "duplicate_member")
        seen.add(number)


async def _set_target_types(session: AsyncSession, household: Household, values: list[str]) -> None:
    existing = {t.target_type: t for t in await repository.target_types(session, household.id)}
    kept = {c for c, t in existing.items() if t.source != "recorded_by_staff" or c in values}
    added = [
        HouseholdTargetType(household_id=household.id, target_type=v, source="recorded_by_staff")
        for v in sorted(set(values))
        if v not in existing
    ]
    await repository.replace_target_types(session, household.id, kept, added)


async def _set_categories(
    session: AsyncSession, household: Household, items: list[HouseholdCategoryIn]
) -> None:
    unique = {(i.category, i.subtype, i.person_id) for i in items}
    rows = [
        HouseholdCategory(household_id=household.id, category=c, subtype=s, person_id=p)
        for c, s, p in sorted(unique, key=str)
    ]
    await repository.replace_categories(session, household.id, rows)


async def create(session: AsyncSession, actor: Actor, data: HouseholdCreate) -> Household:
    """Enter a household into the ledger, with its members (DOMAIN 3-4).

    Everything that needs no database is checked before anything is written.
    The history gets the record and one `member.add` entry per member, ID
    numbers masked (Beijing 5).
    """
    await _check_region(session, actor, data.region_code)
    await _check_open_codes(session, data)
    _check_target_types(data.target_types)
    _check_categories(data.categories, set())
    _check_new_members(data.members)
    household = Household(
        region_code=data.region_code,
        district_code=data.region_code[:6],
        address=data.address,
        created_by=None if actor.principal.is_client else actor.principal.id,
        missing_fields=[],
        **{name: getattr(data, name) for name in RECORD_FIELDS},
    )
    session.add(household)
    await session.flush()
    await _set_target_types(session, household, data.target_types)
    for name, table_list in ((CAUSES, data.causes), (NEEDS, data.needs)):
        await repository.replace_codes(session, household.id, name, sorted(set(table_list or [])))
    categories = list(data.categories)
    enrolled: list[Person] = []
    for index, member in enumerate(data.members):
        person = await members.enrol(
            session, actor, household, member, loc=["body", "members", index]
        )
        enrolled.append(person)
        if member.relation_to_head == "self":
            household.head_person_id = person.id
        categories += [
            HouseholdCategoryIn(category=c.category, subtype=c.subtype, person_id=person.id)
            for c in member.categories
        ]
    await _set_categories(session, household, categories)
    await completeness.refresh(session, household)
    after = {**_snapshot(household), **await _current_lists(session, household)}
    history.record(session, actor, household, "household.create", history.diff({}, after))
    for person in enrolled:
        membership, _ = await members.active_member(session, household, person.id)
        history.record(
            session,
            actor,
            household,
            "member.add",
            history.diff({}, members.person_snapshot(actor, person, membership)),
            person_id=person.id,
        )
    await audit.record(
        session,
        actor.context,
        "household.create",
        object_type="household",
        object_id=str(household.id),
        region_code=household.region_code,
        changed_fields=sorted(data.model_fields_set),
    )
    return household


def _check_former_head_relation(household: Household, data: HouseholdPatch) -> None:
    if data.former_head_relation is None:
        return
    location: list[str | int] = ["body", "former_head_relation"]
    if household.head_person_id in (None, data.head_person_id) or data.head_person_id is None:
        raise invalid(
            location,
            "only when head_person_id names another member and there is a former head",
            "requires_head_change",
        )
    if data.former_head_relation == "self":
        raise invalid(location, "the household has one head", "head_exists")


def _snapshot(household: Household) -> dict[str, Any]:
    base = {name: getattr(household, name) for name in ("region_code", "address", *RECORD_FIELDS)}
    base["head_person_id"] = household.head_person_id
    return base


async def _current_lists(session: AsyncSession, household: Household) -> dict[str, Any]:
    await session.flush()
    codes = await repository.codes(session, household.id)
    return {
        "target_types": sorted(
            t.target_type
            for t in await repository.target_types(session, household.id)
            if t.source == "recorded_by_staff"
        ),
        # Sorted on every column, so replacing a list by the same items is no change.
        "categories": sorted(
            (
                {"category": c.category, "subtype": c.subtype, "person_id": c.person_id}
                for c in await repository.categories(session, household.id)
            ),
            key=lambda c: (c["category"], c["subtype"] or "", str(c["person_id"] or "")),
        ),
        "causes": codes.get(CAUSES, []),
        "needs": codes.get(NEEDS, []),
    }


async def update(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    data: HouseholdPatch,
    expected_version: int,
) -> Household:
    """Change a record; lists given are replaced whole; every change goes into the history."""
    household = await writable(session, actor, household_id)
    check_version(expected_version, household.version)
    given = data.model_fields_set
    if "region_code" in given and data.region_code is not None:
        await _check_region(session, actor, data.region_code)
    await _check_open_codes(session, data)
    if data.target_types is not None:
        _check_target_types(data.target_types)
    active = {p.id for _, p in await repository.members(session, household.id)}
    if data.categories is not None:
        _check_categories(data.categories, active)
    if data.head_person_id is not None and data.head_person_id not in active:
        raise invalid(
            ["body", "head_person_id"], "not an active member of this household", "not_a_member"
        )
    for name in ("region_code", "address", "head_person_id"):
        if name in given and getattr(data, name) is None:
            raise invalid(["body", name], "may not be cleared", "required")
    _check_former_head_relation(household, data)
    before = {**_snapshot(household), **await _current_lists(session, household)}
    for name in ("address", *RECORD_FIELDS):
        if name in given:
            setattr(household, name, getattr(data, name))
    if data.region_code is not None and data.region_code != household.region_code:
        household.region_code = data.region_code
        household.district_code = data.region_code[:6]
        await relocate(session, household.id, data.region_code)
    if data.head_person_id is not None:
        await members.make_head(
            session, actor, household, data.head_person_id, data.former_head_relation or "other"
        )
        if household.attention == "head_left":
            household.attention = None
    if data.target_types is not None:
        await _set_target_types(session, household, data.target_types)
    if data.categories is not None:
        await _set_categories(session, household, data.categories)
    for name, values in ((CAUSES, data.causes), (NEEDS, data.needs)):
        if values is not None:
            await repository.replace_codes(session, household.id, name, sorted(set(values)))
    after = {**_snapshot(household), **await _current_lists(session, household)}
    changes = history.diff(before, after)
    if changes:
        touch(household)
        await completeness.refresh(session, household)
        history.record(session, actor, household, "household.update", changes)
    await audit.record(
        session,
        actor.context,
        "household.update",
        object_type="household",
        object_id=str(household.id),
        region_code=household.region_code,
        changed_fields=sorted(changes),
    )
    return household


async def search(
    session: AsyncSession, actor: Actor, filters: HouseholdFilters, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    """A page of visible households; the read of names is audited (Beijing 7).

    Social workers see only households of streets whose agreement with their
    agency is valid today, and only after acknowledging it.
    """
    streets = None
    if actor.principal.role is Role.social_worker:
        streets = await streets_open_to(session, actor.principal, actor.today)
    found, cursor = await repository.search(session, actor.reach, filters, page, streets=streets)
    audit.record_after(
        session,
        actor.services.database,
        actor.context,
        "household.list",
        outcome=audit.Outcome.success,
        object_type="household",
        region_code=filters.region,
    )
    return found, cursor
