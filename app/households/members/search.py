"""Finding a person by ID number, through the blind index only (DOMAIN 4).

Only roles that see ID numbers whole may search (the route's `IdNumberReader`):
a grid worker shown `500112********0027` and an age could otherwise try the
few dozen birth dates that fit and be told which one is right. Each search
spends a lookup of the account's budget (`lookups`, in the router) and is
audited with the number's blind index, never the number. One statement
answers it within the caller's reach (and, for a social worker, the streets
open to it), so a person out of reach is answered like an unknown number.
"""

from app.confidentiality.public import streets_open_to
from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.errors import ValidationFailed
from app.core.id_numbers import InvalidIdNumber, parse_id_number
from app.core.masking import PersonalField, shown
from app.core.permissions import Role
from app.households import access
from app.households.members import repository as persons
from app.households.members.schemas import PersonMatch


async def search(session: ReadSession, actor: Actor, raw: str) -> list[PersonMatch]:
    """The person's active household, if the actor may see it; an empty list otherwise."""
    try:
        id_number = parse_id_number(raw, today=actor.today).value
    except InvalidIdNumber as exc:
        access.audit_id_number(session, actor, "person.search", None)
        raise ValidationFailed.at(["body", "id_number"], exc.code) from None
    index = actor.services.vault.index(id_number)
    access.audit_id_number(session, actor, "person.search", index)
    streets = None
    if actor.principal.role is Role.social_worker:
        streets = await streets_open_to(session, actor.principal, actor.today)
    found = await persons.active_within(session, actor.reach, index, streets)
    if found is None:
        return []
    return [
        PersonMatch(
            person_id=found.person_id,
            household_id=found.household_id,
            region_code=found.region_code,
            name=shown(found.name, PersonalField.name, actor.viewer) or "",
        )
    ]
