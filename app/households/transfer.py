"""Moving a person to another household (DOMAIN 4, 人随户走): one transaction, history on both sides."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.auth import Actor
from app.core.errors import NotFound
from app.households import completeness, history, members, person_repository, service
from app.households.errors import InvalidTransition, invalid
from app.households.models import Household, HouseholdCategory
from app.households.person_models import Membership, Person
from app.households.person_schemas import TransferIn


async def transfer(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, data: TransferIn
) -> tuple[Household, Membership, Person]:
    """Move a person; the old household's head is reassigned if asked, else the household is flagged.

    Both households must be visible to the caller (404 otherwise) and are
    locked in id order, so two opposite transfers cannot deadlock.
    """
    current = await person_repository.active_membership(session, person_id)
    if current is None:
        raise NotFound("人员", "person")
    if current.household_id == data.to_household_id:
        raise invalid(
            ["body", "to_household_id"], "the person is already in this household", "same_household"
        )
    first, second = sorted([current.household_id, data.to_household_id])
    locked = {
        first: await service.writable(session, actor, first),
        second: await service.writable(session, actor, second),
    }
    source, target = locked[current.household_id], locked[data.to_household_id]
    if target.status != "active":
        raise InvalidTransition(target.status, ["reenter"])
    if data.relation_to_head == "self" and target.head_person_id is not None:
        raise invalid(["body", "relation_to_head"], "the household has a head", "head_exists")
    if data.new_head_person_id is not None:
        if source.head_person_id != person_id:
            raise invalid(
                ["body", "new_head_person_id"], "the person is not the head", "not_the_head"
            )
        try:
            await members.active_member(session, source, data.new_head_person_id)
        except NotFound:
            raise invalid(
                ["body", "new_head_person_id"],
                "not an active member of the old household",
                "not_a_member",
            ) from None
        if data.new_head_person_id == person_id:
            raise invalid(["body", "new_head_person_id"], "choose another member", "not_a_member")
    person, categories = await members.leave(
        session, actor, source, person_id, "transferred", action="member.transfer_out"
    )
    if data.new_head_person_id is not None:
        # The head has left, so there is no former head to give a relation to.
        await members.make_head(session, actor, source, data.new_head_person_id, "other")
        source.attention = None
        history.record(
            session,
            actor,
            source,
            "household.update",
            {"head_person_id": {"before": str(person_id), "after": str(data.new_head_person_id)}},
        )
    membership = Membership(
        household_id=target.id,
        person_id=person.id,
        region_code=target.region_code,
        district_code=target.district_code,
        relation_to_head=data.relation_to_head,
        joined_on=actor.today,
    )
    session.add(membership)
    session.add_all(
        HouseholdCategory(
            household_id=target.id, category=c.category, subtype=c.subtype, person_id=person.id
        )
        for c in categories
    )
    if data.relation_to_head == "self":
        target.head_person_id = person.id
    members.settle_attention(target)
    history.record(
        session,
        actor,
        target,
        "member.transfer_in",
        {
            "from_household_id": {"before": None, "after": str(source.id)},
            "relation_to_head": {"before": None, "after": data.relation_to_head},
        },
        person_id=person.id,
    )
    for household in (source, target):
        service.touch(household)
        await completeness.refresh(session, household)
    await audit.record(
        session,
        actor.context,
        "person.transfer",
        object_type="person",
        object_id=str(person.id),
        region_code=target.region_code,
        changed_fields=["household_id", "relation_to_head"],
    )
    return target, membership, person
