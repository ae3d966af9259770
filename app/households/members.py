"""Members of a household (DOMAIN 4): one person, one active household (人随户走、户随人走).

The database enforces the rule (unique index on the person of active
memberships; unique blind index per person), so two requests adding the
same ID number at once cannot both succeed; the loser gets the same 409
as a sequential duplicate.
"""

import uuid
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.auth import Actor
from app.core.errors import NotFound
from app.core.etag import check_version
from app.core.masking import mask_id_number
from app.households import history, person_repository, repository, validation
from app.households.errors import PersonInAnotherHousehold, invalid
from app.households.models import Household, HouseholdCategory
from app.households.person_models import Membership, Person
from app.households.person_schemas import MemberIn, MemberPatch, PersonDetails

DETAIL_FIELDS = tuple(PersonDetails.model_fields)


def check_heads(items: list[MemberIn]) -> None:
    """Members given with a new household: exactly one is the head (`self`)."""
    validation.check_head_count([m.relation_to_head for m in items], ["body", "members"])


def _parse(actor: Actor, data: MemberIn, loc: list[str | int]) -> tuple[str, date, str]:
    parsed = validation.parse_member_id(data, actor.today, loc)
    return parsed.value, parsed.birth_date, parsed.sex.value


async def conflict(
    session: AsyncSession, actor: Actor, id_number_index: str
) -> PersonInAnotherHousehold:
    """The 409 for an ID number that is already an active member: the household only if visible."""
    membership = await person_repository.active_membership_by_index(session, id_number_index)
    if membership is None:
        return PersonInAnotherHousehold(None, None)
    household = await repository.get_visible(session, actor.reach, membership.household_id)
    if household is None:
        return PersonInAnotherHousehold(None, None)
    return PersonInAnotherHousehold(household.id, household.region_code)


async def _flush_or_conflict(session: AsyncSession, actor: Actor, row: object, index: str) -> None:
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise await conflict(session, actor, index) from None


async def enrol(
    session: AsyncSession,
    actor: Actor,
    household: Household,
    data: MemberIn,
    *,
    loc: list[str | int],
) -> Person:
    """Add a person to a household; a person already active elsewhere is a 409 (DOMAIN 4)."""
    id_number, birth_date, sex = _parse(actor, data, loc)
    index = actor.services.vault.index(id_number)
    person = await person_repository.by_index(session, index)
    details = {name: getattr(data, name) for name in DETAIL_FIELDS}
    if person is None:
        cipher, key_id = actor.services.vault.seal(id_number)
        person = Person(
            name=data.name.strip(),
            id_number_cipher=cipher,
            id_number_key_id=key_id,
            id_number_index=index,
            sex=sex,
            birth_date=birth_date,
            **details,
        )
        await _flush_or_conflict(session, actor, person, index)
    else:
        if await person_repository.active_membership(session, person.id) is not None:
            raise await conflict(session, actor, index)
        person.name = data.name.strip()
        for name in data.model_fields_set & set(DETAIL_FIELDS):
            setattr(person, name, details[name])
        person.version += 1
    membership = Membership(
        household_id=household.id,
        person_id=person.id,
        region_code=household.region_code,
        district_code=household.district_code,
        relation_to_head=data.relation_to_head,
        joined_on=actor.today,
    )
    await _flush_or_conflict(session, actor, membership, index)
    return person


def person_snapshot(actor: Actor, person: Person, membership: Membership | None) -> dict[str, Any]:
    """A person's fields for the history; the ID number only masked."""
    snapshot: dict[str, Any] = {
        "name": person.name,
        "id_number": mask_id_number(actor.services.vault.open(person.id_number_cipher)),
        **{name: getattr(person, name) for name in DETAIL_FIELDS},
    }
    if membership is not None:
        snapshot["relation_to_head"] = membership.relation_to_head
    return snapshot


async def active_member(
    session: AsyncSession, household: Household, person_id: uuid.UUID
) -> tuple[Membership, Person]:
    membership = await person_repository.active_membership(session, person_id)
    person = await person_repository.get(session, person_id)
    if membership is None or person is None or membership.household_id != household.id:
        raise NotFound("成员", "member")
    return membership, person


async def make_head(
    session: AsyncSession,
    actor: Actor,
    household: Household,
    person_id: uuid.UUID,
    former_head_relation: str,
) -> None:
    """Make a member the head (户主): their relation becomes `self`, and a former head who
    is still a member takes `former_head_relation`, each change in the member's history.
    The other members' relations are for staff to correct: only people know them."""
    former = household.head_person_id
    if former == person_id:
        return
    for member_id, relation in ((former, former_head_relation), (person_id, "self")):
        if member_id is None:
            continue
        try:
            membership, person = await active_member(session, household, member_id)
        except NotFound:
            continue  # the former head has left already
        if membership.relation_to_head == relation:
            continue
        before = person_snapshot(actor, person, membership)
        membership.relation_to_head = relation
        person.version += 1
        changes = history.diff(before, person_snapshot(actor, person, membership))
        history.record(session, actor, household, "member.update", changes, person_id=person.id)
        await _audit(session, actor, household, "member.update", person, ["relation_to_head"])
    household.head_person_id = person_id


async def add(
    session: AsyncSession, actor: Actor, household: Household, data: MemberIn
) -> tuple[Membership, Person]:
    """Add a member to a household the caller may change (DOMAIN 4)."""
    if data.relation_to_head == "self" and household.head_person_id is not None:
        raise invalid(
            ["body", "relation_to_head"],
            "the household has a head; change the head on the household",
            "head_exists",
        )
    person = await enrol(session, actor, household, data, loc=["body"])
    membership, _ = await active_member(session, household, person.id)
    if household.head_person_id is None and data.relation_to_head == "self":
        household.head_person_id = person.id
    settle_attention(household)
    await _set_person_categories(session, household, person.id, data)
    history.record(
        session,
        actor,
        household,
        "member.add",
        history.diff({}, person_snapshot(actor, person, membership)),
        person_id=person.id,
    )
    await _audit(session, actor, household, "member.add", person, sorted(data.model_fields_set))
    return membership, person


def settle_attention(household: Household) -> None:
    """After someone joins: `no_members` no longer holds, `head_left` holds until there is a head."""
    if household.attention in ("no_members", "head_left"):
        household.attention = None if household.head_person_id is not None else "head_left"


async def _set_person_categories(
    session: AsyncSession, household: Household, person_id: uuid.UUID, data: MemberIn
) -> None:
    session.add_all(
        HouseholdCategory(
            household_id=household.id, category=c.category, subtype=c.subtype, person_id=person_id
        )
        for c in {(c.category, c.subtype): c for c in data.categories}.values()
    )


async def _audit(
    session: AsyncSession,
    actor: Actor,
    household: Household,
    action: str,
    person: Person,
    fields: list[str],
) -> None:
    await audit.record(
        session,
        actor.context,
        action,
        object_type="person",
        object_id=str(person.id),
        region_code=household.region_code,
        changed_fields=fields,
    )


async def update(
    session: AsyncSession,
    actor: Actor,
    household: Household,
    person_id: uuid.UUID,
    data: MemberPatch,
    expected_version: int,
) -> tuple[Membership, Person]:
    """Change a member's details (If-Match on the person's version)."""
    membership, person = await active_member(session, household, person_id)
    check_version(expected_version, person.version)
    given = data.model_fields_set
    for name in ("name", "relation_to_head"):
        if name in given and getattr(data, name) is None:
            raise invalid(["body", name], "may not be cleared", "required")
    if (
        data.relation_to_head == "self"
        and membership.relation_to_head != "self"
        and household.head_person_id not in (None, person.id)
    ):
        raise invalid(
            ["body", "relation_to_head"],
            "the household has a head; change the head on the household",
            "head_exists",
        )
    if data.relation_to_head not in (None, "self") and household.head_person_id == person.id:
        raise invalid(
            ["body", "relation_to_head"],
            "the head's relation is self; name another head on the household first",
            "is_head",
        )
    before = person_snapshot(actor, person, membership)
    for name in given & set(DETAIL_FIELDS):
        setattr(person, name, getattr(data, name))
    if data.name is not None:
        person.name = data.name.strip()
    if data.relation_to_head is not None:
        membership.relation_to_head = data.relation_to_head
    changes = history.diff(before, person_snapshot(actor, person, membership))
    if data.relation_to_head == "self" and household.head_person_id is None:
        household.head_person_id = person.id
        settle_attention(household)
        changes["head_person_id"] = {"before": None, "after": str(person.id)}
    if changes:
        person.version += 1
        history.record(session, actor, household, "member.update", changes, person_id=person.id)
    await _audit(session, actor, household, "member.update", person, sorted(changes))
    return membership, person


async def leave(
    session: AsyncSession,
    actor: Actor,
    household: Household,
    person_id: uuid.UUID,
    reason: str,
    action: str = "member.remove",
) -> tuple[Person, list[HouseholdCategory]]:
    """End a membership (history kept); a household that loses its head is flagged."""
    membership, person = await active_member(session, household, person_id)
    membership.active = False
    membership.left_on = actor.today
    membership.left_reason = reason
    categories = await repository.drop_person_categories(session, household.id, person.id)
    await session.flush()
    changes: dict[str, Any] = {"left_reason": {"before": None, "after": reason}}
    if household.head_person_id == person.id:
        household.head_person_id = None
        household.attention = "head_left"
        changes["head_person_id"] = {"before": str(person.id), "after": None}
    if await repository.count_active_members(session, household.id) == 0:
        household.attention = "no_members"
    history.record(session, actor, household, action, changes, person_id=person.id)
    await _audit(session, actor, household, action, person, ["active"])
    return person, categories


async def members_ever(
    session: AsyncSession, household: Household, person_ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of `person_ids` are or were members of the household (their past rows stay editable)."""
    return await person_repository.members_ever(session, household.id, person_ids)
