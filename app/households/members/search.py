"""Finding a person by ID number, through the blind index only (DOMAIN 4)."""

from app.core import audit
from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.errors import ValidationFailed
from app.core.id_numbers import InvalidIdNumber, parse_id_number
from app.core.masking import PersonalField, shown
from app.households import access, repository
from app.households.members import repository as persons
from app.households.members.schemas import PersonMatch


async def search(session: ReadSession, actor: Actor, raw: str) -> list[PersonMatch]:
    """The person's active household, if the actor may see it; an empty list otherwise."""
    try:
        id_number = parse_id_number(raw, today=actor.today).value
    except InvalidIdNumber as exc:
        raise ValidationFailed.at(["body", "id_number"], str(exc), exc.code) from None
    audit.record_after(
        session,
        actor.services.database,
        actor.context,
        "person.search",
        outcome=audit.Outcome.success,
        object_type="person",
    )
    membership = await persons.active_membership_by_index(
        session, actor.services.vault.index(id_number)
    )
    if membership is None:
        return []
    household = await repository.get_visible(session, actor.reach, membership.household_id)
    person = await persons.get(session, membership.person_id)
    if household is None or person is None:
        return []
    await access.check_personal(session, actor, household.region_code)
    return [
        PersonMatch(
            person_id=person.id,
            household_id=household.id,
            region_code=household.region_code,
            name=shown(person.name, PersonalField.name, actor.viewer) or "",
        )
    ]
