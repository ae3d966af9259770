"""Consents as the API shows them: the receiver named, the recorders named (one query per
page for the actors, one fetch per distinct organisation), and whether each is in force."""

from datetime import date

from app.consents.models import HouseholdConsent
from app.consents.rules import in_force
from app.consents.schemas import ConsentOut
from app.core.actors import shaped
from app.core.db import ReadSession
from app.identity.public import actor_refs
from app.organizations.public import get_organization


async def consents_out(
    session: ReadSession, consents: list[HouseholdConsent], today: date
) -> list[ConsentOut]:
    keys = [c.recorded_by for c in consents] + [c.withdrawn_by for c in consents if c.withdrawn_by]
    actors = await actor_refs(session, keys)
    organizations = {
        organization_id: await get_organization(session, organization_id)
        for organization_id in {c.organization_id for c in consents}
    }
    return [
        shaped(
            ConsentOut,
            c,
            organization_name=organizations[c.organization_id].name,
            organization_kind=organizations[c.organization_id].kind,
            recorded_by=actors[c.recorded_by],
            recorded_at=c.created_at,
            withdrawn_by=None if c.withdrawn_by is None else actors[c.withdrawn_by],
            in_force=in_force(c, today),
        )
        for c in consents
    ]
