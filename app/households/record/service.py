"""The household record (台账): create, change, list (DOMAIN 3-4; Beijing 1, 3; Yubei 3(1))."""

import uuid
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError

from app.confidentiality.public import streets_open_to
from app.core.auth import Actor, Forbidden
from app.core.db import ReadSession, WriteSession
from app.core.errors import ValidationFailed
from app.core.pagination import PageRequest
from app.core.permissions import Action, Role, is_allowed
from app.dictionaries.public import unknown_codes
from app.households import access, changes, history
from app.households.changes import Change
from app.households.decisions import service as decisions
from app.households.decisions.rules import check_new_household, check_urban_hukou
from app.households.errors import PersonInAnotherHousehold
from app.households.events import Event
from app.households.members import service as members
from app.households.members.schemas import MemberIn
from app.households.models import CAUSES, NEEDS, Household, HouseholdCategory
from app.households.needs import service as needs
from app.households.plausibility import check_category
from app.households.record import bulk, completeness, listing, repository, validation
from app.households.record.creation import (
    Intake,
    NewHousehold,
    NewMember,
    Origin,
    rows_of_new_household,
)
from app.households.record.listing import HouseholdFilters
from app.households.record.schemas import (
    RECORD_FIELDS,
    HouseholdCategoryIn,
    HouseholdCreate,
    HouseholdFields,
    HouseholdPatch,
)
from app.households.relocation import relocate
from app.regions.public import region_exists

_OPEN_LISTS = {"causes": "hardship_cause", "needs": "need", "no_help_reason": "no_help_reason"}


async def _check_region(session: ReadSession, actor: Actor, code: str) -> None:
    validation.check_region(
        code,
        actor.principal.scope_region,
        exists=await region_exists(session, code),
        loc=["body", "region_code"],
    )


async def _check_open_codes(session: ReadSession, data: HouseholdFields) -> None:
    for name, table in _OPEN_LISTS.items():
        value = getattr(data, name)
        values = [value] if isinstance(value, str) else list(value or [])
        unknown = await unknown_codes(session, table, values)
        if unknown:
            raise ValidationFailed.at(["body", name], "unknown_code")


def _check_categories(items: list[HouseholdCategoryIn], member_ids: set[uuid.UUID]) -> None:
    for index, item in enumerate(items):
        loc: list[str | int] = ["body", "categories", index]
        validation.check_subtype(item.category, item.subtype, [*loc, "subtype"])
        if item.person_id is not None and item.person_id not in member_ids:
            raise ValidationFailed.at([*loc, "person_id"], "not_a_member")


def _check_decisions(actor: Actor, data: HouseholdCreate) -> None:
    """Decisions a household is entered with: only from roles that record decisions (street
    officers; 403 otherwise), each complete, of urban hukou, dibao not with tekun."""
    if not data.target_type_decisions:
        return
    if not is_allowed(actor.principal.role, Action.households_decide):
        raise Forbidden().refusing(action=Action.households_decide.value)
    check_new_household(
        data.target_type_decisions, data.hukou_type, actor.today, ["body", "target_type_decisions"]
    )


def _new_members(actor: Actor, items: list[MemberIn]) -> list[NewMember]:
    """Members given with a new household: one head, subtypes of their own categories, no
    one twice, valid ID numbers (whose sex and birth date agree with what is given)."""
    validation.check_head_count([m.relation_to_head for m in items], ["body", "members"])
    found: list[NewMember] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        loc: list[str | int] = ["body", "members", index]
        for position, category in enumerate(item.categories):
            validation.check_subtype(
                category.category, category.subtype, [*loc, "categories", position, "subtype"]
            )
        parsed = validation.parse_member_id(item, actor.today, loc)
        for position, category in enumerate(item.categories):
            check_category(
                category.category,
                category.subtype,
                parsed.birth_date,
                item.disability_grade,
                actor.today,
                [*loc, "categories", position],
            )
        if parsed.value in seen:
            raise ValidationFailed.at([*loc, "id_number"], "duplicate")
        seen.add(parsed.value)
        found.append(
            NewMember(
                data=item,
                id_number=parsed,
                index=actor.services.vault.index(parsed.value),
                categories=[(c.category, c.subtype) for c in item.categories],
            )
        )
    return found


async def create(
    session: WriteSession, actor: Actor, data: HouseholdCreate, *, intake: Intake | None = None
) -> Household:
    """Enter a household into the ledger, with its members (DOMAIN 3-4); with `intake`, an
    applicant household (`pending` until its application is accepted, DOMAIN 6).

    Everything is checked before anything is written; the rows are those of
    `creation.rows_of_new_household`, as a bulk import writes them. A person
    who is an active member of another household is a 409 (人随户走): the
    database's unique indexes decide under concurrent requests too.
    """
    await _check_region(session, actor, data.region_code)
    await _check_open_codes(session, data)
    _check_decisions(actor, data)
    validation.check_record_fields(data, actor.today, ["body"])
    _check_categories(data.categories, set())
    new_members = _new_members(actor, data.members)
    known = await bulk.known_persons(session, [m.index for m in new_members])
    for member in new_members:
        person = known.get(member.index)
        if person is not None and person.active_region is not None:
            raise await members.conflict(session, actor, member.index) or PersonInAnotherHousehold()
    fresh = [m for m in new_members if m.index not in known]
    vault = actor.services.vault
    sealed = dict(
        zip(
            [m.index for m in fresh],
            vault.seal_many([m.id_number.value for m in fresh]),
            strict=True,
        )
    )
    draft = NewHousehold(
        fields=data,
        members=new_members,
        categories=[(c.category, c.subtype) for c in data.categories],
    )
    origin = Origin(
        author=changes.author_of(actor),
        context=actor.context,
        created_by=None if actor.principal.is_client else actor.principal.id,
        today=actor.today,
        intake=intake,
    )
    rows = rows_of_new_household(draft, known, sealed, origin)
    try:
        async with session.begin_nested():
            return await repository.add_new_household(session, rows)
    except IntegrityError:
        # Another request enrolled one of these persons since they were looked up.
        for member in new_members:
            conflict = await members.conflict(session, actor, member.index)
            if conflict is not None:
                raise conflict from None
        raise PersonInAnotherHousehold() from None


def _check_former_head_relation(household: Household, data: HouseholdPatch) -> None:
    if data.former_head_relation is None:
        return
    location: list[str | int] = ["body", "former_head_relation"]
    if household.head_person_id in (None, data.head_person_id) or data.head_person_id is None:
        raise ValidationFailed.at(location, "requires_head_change")
    if data.former_head_relation == "self":
        raise ValidationFailed.at(location, "head_exists")


def _snapshot(household: Household) -> dict[str, Any]:
    base = {name: getattr(household, name) for name in ("region_code", "address", *RECORD_FIELDS)}
    base["head_person_id"] = household.head_person_id
    return base


async def _current_lists(session: ReadSession, household: Household) -> dict[str, Any]:
    codes = await repository.codes(session, household.id)
    return {
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


async def _check_patch(
    session: WriteSession, actor: Actor, household: Household, data: HouseholdPatch
) -> None:
    given = data.model_fields_set
    if "region_code" in given and data.region_code is not None:
        await _check_region(session, actor, data.region_code)
    await _check_open_codes(session, data)
    if "hukou_type" in given:
        for held in await decisions.current_types(session, household.id):
            check_urban_hukou(held, data.hukou_type, ["body", "hukou_type"])
    validation.check_record_fields(data, actor.today, ["body"])
    members = {p.id: p for _, p in await repository.members(session, household.id)}
    active = set(members)
    if data.categories is not None:
        _check_categories(data.categories, active)
        for index, item in enumerate(data.categories):
            person = members.get(item.person_id) if item.person_id is not None else None
            if person is not None:
                check_category(
                    item.category,
                    item.subtype,
                    person.birth_date,
                    person.disability_grade,
                    actor.today,
                    ["body", "categories", index],
                )
    if data.head_person_id is not None and data.head_person_id not in active:
        raise ValidationFailed.at(["body", "head_person_id"], "not_a_member")
    for name in ("region_code", "address", "head_person_id"):
        if name in given and getattr(data, name) is None:
            raise ValidationFailed.at(["body", name], "missing")
    _check_former_head_relation(household, data)


async def _set_categories(
    session: WriteSession, household: Household, items: list[HouseholdCategoryIn]
) -> None:
    unique = {(i.category, i.subtype, i.person_id) for i in items}
    rows = [
        HouseholdCategory(household_id=household.id, category=c, subtype=s, person_id=p)
        for c, s, p in sorted(unique, key=str)
    ]
    await repository.replace_categories(session, household.id, rows)


async def update(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    data: HouseholdPatch,
    expected_version: int,
) -> Household:
    """Change a record; lists given are replaced whole; every change goes into the history."""
    household = await access.writable(
        session, actor, household_id, expected_version=expected_version
    )
    await _check_patch(session, actor, household, data)
    given = data.model_fields_set
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
    if data.categories is not None:
        await _set_categories(session, household, data.categories)
    if data.causes is not None:
        await repository.replace_codes(session, household.id, CAUSES, sorted(set(data.causes)))
    if data.needs is not None:
        # Needs are dated instances; the record's codes are derived from the live ones.
        await needs.set_record_codes(session, actor, household, data.needs)
    after = {**_snapshot(household), **await _current_lists(session, household)}
    diff = history.diff(before, after)
    if diff:
        await completeness.refresh(session, household, actor.today)
    await changes.record(session, actor, household, Change("household.update", Event.changed, diff))
    return household


async def search(
    session: ReadSession, actor: Actor, filters: HouseholdFilters, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    """A page of visible households; the read of names is audited (Beijing 7).

    Social workers see only households of streets whose agreement with their
    agency is valid today, and only after acknowledging it.
    """
    streets = None
    if actor.principal.role is Role.social_worker:
        streets = await streets_open_to(session, actor.principal, actor.today)
    found, cursor = await listing.search(session, actor.reach, filters, page, streets=streets)
    access.audit_read(session, actor, "household.list", region_code=filters.region)
    return found, cursor
