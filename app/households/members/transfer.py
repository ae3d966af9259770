"""Moving a person to another household (DOMAIN 4, 人随户走): one transaction, history on both sides."""

import uuid
from collections.abc import Mapping
from typing import NoReturn

from app.core import audit
from app.core.auth import Actor
from app.core.db import WriteSession
from app.core.errors import NotFound, ValidationFailed
from app.households import access, changes, repository
from app.households.changes import Change
from app.households.errors import PersonMoved
from app.households.events import Event
from app.households.members import repository as persons
from app.households.members import service as members
from app.households.members.schemas import TransferIn
from app.households.models import Household, HouseholdCategory, Membership
from app.households.record import completeness


async def _check(
    session: WriteSession,
    source: Household,
    target: Household,
    person_id: uuid.UUID,
    relation_to_head: str,
    new_head_person_id: uuid.UUID | None,
) -> None:
    # Into an exited household no one moves (409 `household_exited`); out of one people may:
    # they live on elsewhere.
    access.require_active(target)
    if relation_to_head == "self" and target.head_person_id is not None:
        raise ValidationFailed.at(["body", "relation_to_head"], "head_exists")
    if new_head_person_id is None:
        return
    if source.head_person_id != person_id:
        raise ValidationFailed.at(["body", "new_head_person_id"], "not_the_head")
    try:
        await members.active_member(session, source, new_head_person_id)
    except NotFound:
        raise ValidationFailed.at(["body", "new_head_person_id"], "not_a_member") from None
    if new_head_person_id == person_id:
        raise ValidationFailed.at(["body", "new_head_person_id"], "not_a_member")


async def _not_there(
    session: WriteSession, actor: Actor, source: Household, person_id: uuid.UUID
) -> NoReturn:
    """The person is not an active member of `source`: 409 with where they are now if they
    were a member of it (its history shows as much), else 404 as for an unknown person."""
    if person_id not in await persons.members_ever(session, source.id, {person_id}):
        raise NotFound("成员", "member")
    now = await persons.active_membership(session, person_id)
    where = None
    if now is not None:
        where = await repository.get_visible(session, actor.reach, now.household_id)
    raise PersonMoved(where.id if where else None, where.region_code if where else None)


async def transfer(
    session: WriteSession, actor: Actor, person_id: uuid.UUID, data: TransferIn
) -> tuple[Household, Membership]:
    """Move a person; the old household's head is reassigned if asked, else the household is flagged.

    Visibility first: both households must be visible to the actor (404, the same for a
    household out of reach as for none) before anything about the person is read; a
    district officer reaches its whole district, street and community staff their own
    subtree. Then the rows the move relies on are locked in one order, the same for every
    change of a membership: the two households in id order, then the person (`move`).
    """
    if data.from_household_id == data.to_household_id:
        raise ValidationFailed.at(["body", "to_household_id"], "same_household")
    first, second = sorted([data.from_household_id, data.to_household_id])
    locked = {
        first: await access.writable(session, actor, first),
        second: await access.writable(session, actor, second),
    }
    source, target = locked[data.from_household_id], locked[data.to_household_id]
    membership = await move(
        session,
        actor,
        source,
        target,
        person_id,
        relation_to_head=data.relation_to_head,
        new_head_person_id=data.new_head_person_id,
    )
    return target, membership


async def move(
    session: WriteSession,
    actor: Actor,
    source: Household,
    target: Household,
    person_id: uuid.UUID,
    *,
    relation_to_head: str,
    new_head_person_id: uuid.UUID | None,
    event_ids: Mapping[str, uuid.UUID] | None = None,
) -> Membership:
    """Move a person from `source` to `target`, both already locked by the caller (in id
    order): the membership ends in the old household and a new one begins in the new, the
    person's own categories go along, and both histories, the audit trail and the
    `household.transferred` events record it (人随户走, DOMAIN 4).

    The person is locked after the households. They must still be an active member of
    `source` once locked: a concurrent transfer that won leaves the other a 409
    `person_moved` on either database (a serial database runs it after the winner, a
    concurrent one once the winner's locks are released). `event_ids` adds ids to both
    events (a transfer request's)."""
    await persons.lock(session, person_id)
    current = await persons.active_membership(session, person_id)
    if current is None or current.household_id != source.id:
        await _not_there(session, actor, source, person_id)
    await _check(session, source, target, person_id, relation_to_head, new_head_person_id)
    ids = {"from_household_id": source.id, "to_household_id": target.id, **(event_ids or {})}
    person, categories = await members.leave(
        session, actor, source, person_id, "transferred", moving_to=target.id, event_ids=ids
    )
    if new_head_person_id is not None:
        # The head has left, so there is no former head to give a relation to.
        await members.make_head(session, actor, source, new_head_person_id, "other")
        source.attention = None
        await changes.record(
            session,
            actor,
            source,
            Change(
                "household.update",
                Event.changed,
                {
                    "head_person_id": {
                        "before": str(person_id),
                        "after": str(new_head_person_id),
                    }
                },
                audited=False,
            ),
        )
    membership = Membership(
        household_id=target.id,
        person_id=person.id,
        region_code=target.region_code,
        district_code=target.district_code,
        relation_to_head=relation_to_head,
        joined_on=actor.today,
    )
    session.add(membership)
    session.add_all(
        HouseholdCategory(
            household_id=target.id, category=c.category, subtype=c.subtype, person_id=person.id
        )
        for c in categories
    )
    if relation_to_head == "self":
        target.head_person_id = person.id
    members.settle_attention(target)
    for household in (source, target):
        await completeness.refresh(session, household, actor.today)
    await changes.record(
        session,
        actor,
        target,
        Change(
            "member.transfer_in",
            Event.transferred,
            {
                "from_household_id": {"before": None, "after": str(source.id)},
                "relation_to_head": {"before": None, "after": relation_to_head},
            },
            person_id=person.id,
            audited=False,
            event_ids=ids,
        ),
    )
    await audit.record(
        session,
        actor.context,
        "person.transfer",
        object_type="person",
        object_id=str(person.id),
        region_code=target.region_code,
        changed_fields=["household_id", "relation_to_head"],
    )
    return membership
