"""Decisions whose term is over stop giving their type (DOMAIN 3-4): worker upkeep.

A decision with an `ends_on` holds until that day; the next day its type is no
longer the household's. Reads and list filters use the derived current types
(`household_target_types`), so the worker derives them again for each household
holding a type by a lapsed decision: the decision stays as recorded (its term
is history, not an end someone decided), the household's version goes up and
its history says the types changed, written by the system.
"""

from app.core import events
from app.core.clock import business_today
from app.core.db import WriteSession, utcnow
from app.core.services import Services
from app.households import history
from app.households.changes import Author, event_payload, history_row
from app.households.decisions import repository
from app.households.decisions.service import current_rows
from app.households.events import Event
from app.households.models import Household, HouseholdChange

BATCH = 500
"""Households handled per run; the next run takes the rest."""


async def lapse_decisions(session: WriteSession, _services: Services) -> int:
    """Derive again the types of households holding one by a decision whose term is over."""
    today = business_today()
    found = await repository.households_with_lapsed(session, today, BATCH)
    for household_id in found:
        household = await session.get(Household, household_id, with_for_update=True)
        if household is None:
            continue
        before = await repository.current_types(session, household.id)
        rows = current_rows(
            household.id, await repository.of_household(session, household.id), today
        )
        await repository.replace_current(session, household.id, rows)
        diff = history.diff(
            {"target_types": before}, {"target_types": [r.target_type for r in rows]}
        )
        if not diff:
            continue
        household.version += 1
        author = Author("system", None, utcnow())
        session.add(
            HouseholdChange(
                **history_row(
                    household.id, household.region_code, author, "target_type_decision.lapse", diff
                )
            )
        )
        events.publish(
            session,
            Event.changed,
            event_payload(household.id, household.version, household.region_code),
        )
    return len(found)
