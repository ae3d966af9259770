"""Finding a person by ID number, through the blind index only (DOMAIN 4)."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.confidentiality.service import check_social_worker
from app.core import audit
from app.core.auth import Actor
from app.core.id_numbers import InvalidIdNumber, parse_id_number
from app.core.masking import PersonalField, shown
from app.households import person_repository, repository
from app.households.errors import invalid
from app.households.person_schemas import PersonMatch


async def search(session: AsyncSession, actor: Actor, raw: str) -> list[PersonMatch]:
    """The person's active household, if the caller may see it; an empty list otherwise."""
    try:
        id_number = parse_id_number(raw, today=actor.today).value
    except InvalidIdNumber as exc:
        raise invalid(["body", "id_number"], str(exc), exc.code) from None
    audit.record_after(
        session,
        actor.services.database,
        actor.context,
        "person.search",
        outcome=audit.Outcome.success,
        object_type="person",
    )
    membership = await person_repository.active_membership_by_index(
        session, actor.services.vault.index(id_number)
    )
    if membership is None:
        return []
    household = await repository.get_visible(session, actor.reach, membership.household_id)
    person = await person_repository.get(session, membership.person_id)
    if household is None or person is None:
        return []
    await check_social_worker(session, actor.principal, household.region_code[:9], actor.today)
    return [
        PersonMatch(
            person_id=person.id,
            household_id=household.id,
            region_code=household.region_code,
            name=shown(person.name, PersonalField.name, actor.viewer) or "",
        )
    ]
