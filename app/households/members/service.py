"""Members of a household (DOMAIN 4): one person, one active household (人随户走、户随人走).

The database enforces the rule (unique index on the person of active
memberships; unique blind index per person), so two requests adding the
same ID number at once cannot both succeed; the loser gets the same 409
as a sequential duplicate.
"""

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.core import audit
from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.masking import mask_id_number
from app.households import access, changes, history, repository
from app.households.changes import Change
from app.households.errors import PersonInAnotherHousehold
from app.households.events import Event
from app.households.members import repository as persons
from app.households.members.schemas import DETAIL_FIELDS, MemberIn, MemberPatch
from app.households.models import Household, HouseholdCategory, Membership, Person
from app.households.plausibility import check_category
from app.households.record import completeness, validation
from app.households.record import repository as records


async def conflict(
    session: ReadSession, actor: Actor, id_number_index: str
) -> PersonInAnotherHousehold | None:
    """The 409 for an ID number that is an active member of a household, naming the
    household only when the actor may see it; None when it is a member of none.

    The answer tells whoever entered the number that it is in the ledger, in reach or
    not, so it is audited with the number's blind index (the entry spent a lookup of the
    actor's budget, `lookups`)."""
    membership = await persons.active_membership_by_index(session, id_number_index)
    if membership is None:
        return None
    access.audit_id_number(
        session, actor, "person.duplicate", id_number_index, outcome=audit.AuditOutcome.failed
    )
    household = await repository.get_visible(session, actor.reach, membership.household_id)
    if household is None:
        return PersonInAnotherHousehold()
    return PersonInAnotherHousehold(household.id, household.region_code)


async def _flush_or_conflict(session: WriteSession, actor: Actor, row: object, index: str) -> None:
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise await conflict(session, actor, index) or PersonInAnotherHousehold() from None


async def _enrol(
    session: WriteSession, actor: Actor, household: Household, data: MemberIn
) -> Person:
    """Add a person to a household; a person already active elsewhere is a 409 (DOMAIN 4).

    A former member keeps its person row (one human, one row) but not its earlier
    details: they belong to the households it was in (whose history keeps them), and the
    new household gets what its staff entered, nothing more."""
    parsed = validation.parse_member_id(data, actor.today, ["body"])
    vault = actor.services.vault
    index = vault.index(parsed.value)
    person = await persons.by_index(session, index)
    entered = data.stored(DETAIL_FIELDS)
    if person is None:
        cipher, key_id = vault.seal(parsed.value)
        person = Person(
            name=data.name.strip(),
            id_number_cipher=cipher,
            id_number_key_id=key_id,
            id_number_index=index,
            sex=parsed.sex.value,
            birth_date=parsed.birth_date,
            **entered,
        )
        await _flush_or_conflict(session, actor, person, index)
    else:
        if await persons.active_membership(session, person.id) is not None:
            raise await conflict(session, actor, index) or PersonInAnotherHousehold()
        person.name = data.name.strip()
        for name, value in entered.items():
            setattr(person, name, value)
        person.version += 1
    membership = Membership(
        household_id=household.id,
        person_id=person.id,
        region_code=household.region_code,
        district_code=household.district_code,
        relation_to_head=data.relation_to_head,
        joined_on=data.joined_on or actor.today,
    )
    await check_no_overlap(session, person.id, membership.joined_on, ["body", "joined_on"])
    await _flush_or_conflict(session, actor, membership, index)
    return person


async def check_no_overlap(
    session: WriteSession,
    person_id: uuid.UUID,
    joined_on: date,
    loc: list[str | int],
    *,
    other_than: uuid.UUID | None = None,
) -> None:
    """A person counts in one household on any one day: a membership begins on or after
    the day every earlier one of the person ended (`left_on`)."""
    latest = await persons.latest_left_on(session, person_id, other_than=other_than)
    if latest is not None and joined_on < latest:
        raise ValidationFailed.at(loc, "membership_overlap", until=latest.isoformat())


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
    session: ReadSession, household: Household, person_id: uuid.UUID
) -> tuple[Membership, Person]:
    membership = await persons.active_membership(session, person_id)
    person = await persons.get(session, person_id)
    if membership is None or person is None or membership.household_id != household.id:
        raise NotFound("成员", "member")
    return membership, person


def _member_change(
    action: str, event: Event, person: Person, diff: dict[str, Any], fields: list[str]
) -> Change:
    return Change(
        action,
        event,
        diff,
        person_id=person.id,
        audit_object=("person", person.id),
        audit_fields=fields,
    )


async def make_head(
    session: WriteSession,
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
        diff = history.diff(before, person_snapshot(actor, person, membership))
        await changes.record(
            session,
            actor,
            household,
            _member_change("member.update", Event.changed, person, diff, ["relation_to_head"]),
        )
    household.head_person_id = person_id


def settle_attention(household: Household) -> None:
    """After someone joins: `no_members` no longer holds, `head_left` holds until there is a head."""
    if household.attention in ("no_members", "head_left"):
        household.attention = None if household.head_person_id is not None else "head_left"


async def add(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: MemberIn
) -> tuple[Household, Person]:
    """Add a member to a household the actor may change (DOMAIN 4); an exited household
    takes none (409 `household_exited`)."""
    household = await access.writable(session, actor, household_id)
    access.require_active(household)
    if data.relation_to_head == "self" and household.head_person_id is not None:
        raise ValidationFailed.at(["body", "relation_to_head"], "head_exists")
    parsed = validation.parse_member_id(data, actor.today, ["body"])
    for index, category in enumerate(data.categories):
        check_category(
            category.category,
            category.subtype,
            parsed.birth_date,
            data.disability_grade,
            actor.today,
            ["body", "categories", index],
        )
    person = await _enrol(session, actor, household, data)
    membership, _ = await active_member(session, household, person.id)
    if household.head_person_id is None and data.relation_to_head == "self":
        household.head_person_id = person.id
    settle_attention(household)
    session.add_all(
        HouseholdCategory(household_id=household.id, category=c, subtype=s, person_id=person.id)
        for c, s in dict.fromkeys((c.category, c.subtype) for c in data.categories)
    )
    await completeness.refresh(session, household, actor.today)
    diff = history.diff({}, person_snapshot(actor, person, membership))
    await changes.record(
        session,
        actor,
        household,
        _member_change(
            "member.add", Event.member_added, person, diff, sorted(data.model_fields_set)
        ),
    )
    return household, person


def _check_patch(
    household: Household, membership: Membership, person: Person, data: MemberPatch
) -> None:
    for name in ("name", "relation_to_head"):
        if name in data.model_fields_set and getattr(data, name) is None:
            raise ValidationFailed.at(["body", name], "missing")
    if (
        data.relation_to_head == "self"
        and membership.relation_to_head != "self"
        and household.head_person_id not in (None, person.id)
    ):
        raise ValidationFailed.at(["body", "relation_to_head"], "head_exists")
    if data.relation_to_head not in (None, "self") and household.head_person_id == person.id:
        raise ValidationFailed.at(["body", "relation_to_head"], "is_head")


async def _check_own_categories(
    session: ReadSession,
    actor: Actor,
    household: Household,
    person: Person,
    disability_grade: str | None,
) -> None:
    """The member's categories still fit them with the changed disability grade (Beijing 1)."""
    for held in await records.categories(session, household.id):
        if held.person_id == person.id:
            check_category(
                held.category,
                held.subtype,
                person.birth_date,
                disability_grade,
                actor.today,
                ["body", "disability_grade"],
            )


async def update(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    data: MemberPatch,
    expected_version: int,
) -> tuple[Household, Person]:
    """Change a member's details (If-Match on the person's version)."""
    household = await access.writable(session, actor, household_id)
    membership, person = await active_member(session, household, person_id)
    check_version(expected_version, person.version)
    _check_patch(household, membership, person, data)
    if "disability_grade" in data.model_fields_set:
        await _check_own_categories(session, actor, household, person, data.disability_grade)
    before = person_snapshot(actor, person, membership)
    for name, value in data.stored(data.model_fields_set & set(DETAIL_FIELDS)).items():
        setattr(person, name, value)
    if data.name is not None:
        person.name = data.name.strip()
    if data.relation_to_head is not None:
        membership.relation_to_head = data.relation_to_head
    diff = history.diff(before, person_snapshot(actor, person, membership))
    if data.relation_to_head == "self" and household.head_person_id is None:
        household.head_person_id = person.id
        settle_attention(household)
        diff["head_person_id"] = {"before": None, "after": str(person.id)}
    if diff:
        person.version += 1
        await completeness.refresh(session, household, actor.today)
    await changes.record(
        session,
        actor,
        household,
        _member_change("member.update", Event.changed, person, diff, sorted(diff)),
    )
    return household, person


async def leave(
    session: WriteSession,
    actor: Actor,
    household: Household,
    person_id: uuid.UUID,
    reason: str,
    *,
    moving_to: uuid.UUID | None = None,
    event_ids: Mapping[str, uuid.UUID] | None = None,
) -> tuple[Person, list[HouseholdCategory]]:
    """End a membership (history kept); a household that loses its head is flagged.

    With `moving_to`, the person is transferred to that household
    (`member.transfer_out`, audited once by the transfer)."""
    membership, person = await active_member(session, household, person_id)
    membership.active = False
    membership.left_on = actor.today
    membership.left_reason = reason
    categories = await persons.drop_person_categories(session, household.id, person.id)
    await session.flush()
    diff: dict[str, Any] = {"left_reason": {"before": None, "after": reason}}
    if household.head_person_id == person.id:
        household.head_person_id = None
        household.attention = "head_left"
        diff["head_person_id"] = {"before": str(person.id), "after": None}
    if await persons.count_active_members(session, household.id) == 0:
        household.attention = "no_members"
    await completeness.refresh(session, household, actor.today)
    if moving_to is None:
        change = _member_change("member.remove", Event.member_removed, person, diff, ["active"])
    else:
        change = Change(
            "member.transfer_out",
            Event.transferred,
            diff,
            person_id=person.id,
            audited=False,
            event_ids=event_ids
            or {"from_household_id": household.id, "to_household_id": moving_to},
        )
    await changes.record(session, actor, household, change)
    return person, categories


async def remove(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, person_id: uuid.UUID, reason: str
) -> None:
    """A member leaves the household (deceased, moved out, entered in error, other)."""
    household = await access.writable(session, actor, household_id)
    await leave(session, actor, household, person_id, reason)
