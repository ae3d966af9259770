"""Which active household a lead about someone may already be (DOMAIN 6: a discovery
report matching an existing active household is a likely duplicate).

Two ways, both inside the lead's own area and whatever the caller's reach (the answer
goes to the triaging officers, never back to a filer who sees personal data masked):
an active member with the same ID number (its keyed blind index) in the street, or the
same address in the same community once written alike (`same_address`).
"""

import unicodedata
import uuid

from sqlalchemy import select

from app.core.db import ReadSession
from app.core.reach import Reach
from app.core.region_codes import in_subtree
from app.households.models import Household, Membership, Person
from app.households.scope import visible_households

ACTIVE = "active"


def address_key(address: str) -> str:
    """An address as compared: full-width characters as their half-width forms (NFKC),
    letters in lower case, without whitespace of any kind."""
    folded = unicodedata.normalize("NFKC", address).casefold()
    return "".join(character for character in folded if not character.isspace())


async def likely_household(
    session: ReadSession,
    *,
    id_number_index: str | None,
    street_code: str,
    community_code: str,
    address: str,
) -> uuid.UUID | None:
    """An active household of the street with an active member of `id_number_index`, else
    an active household of the community at the same address (`address_key`), else None.

    The address statement runs whatever the number found, so a match by number takes no
    less time than none. The community's addresses are compared in Python: the ledger keeps them as written."""
    by_number = None
    if id_number_index is not None:
        by_number = await session.scalar(
            select(Household.id)
            .join(Membership, Membership.household_id == Household.id)
            .join(Person, Person.id == Membership.person_id)
            .where(
                Person.id_number_index == id_number_index,
                Membership.active.is_(True),
                Household.status == ACTIVE,
                in_subtree(Household.region_code, street_code),
            )
            .limit(1)
        )
    wanted = address_key(address)
    rows = await session.execute(
        select(Household.id, Household.address)
        .where(Household.status == ACTIVE, in_subtree(Household.region_code, community_code))
        .order_by(Household.id)
    )
    by_address = next((row.id for row in rows if address_key(row.address) == wanted), None)
    return by_number or by_address


async def within_reach(
    session: ReadSession, reach: Reach, household_ids: set[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of `household_ids` the reach holds (one statement): a lead's match or link is
    named only to those who may see that household."""
    if not household_ids:
        return set()
    found = await session.scalars(
        select(Household.id).where(
            Household.id.in_(sorted(household_ids)),
            visible_households(reach, Household.id, Household.region_code),
        )
    )
    return set(found)
