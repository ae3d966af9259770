"""Each account's budget of lookups by ID number (Beijing 7; a defence against guessing).

A person search, and a member entered by form, test an ID number against the
whole ledger (found, or 409 for a number active elsewhere), so each number
spends one unit of `person_lookups_per_minute` before anything is looked up,
found or not. Past the budget the request is refused, 429 with `Retry-After`,
and the refusal is audited.

The count lives in the database (one atomic upsert on both databases), so it
holds across processes; it is written in its own short transaction, before
the request's own has run a statement, so it stands when the request fails
and never waits on the request's SQLite write lock.
"""

import math
from datetime import timedelta

from sqlalchemy import case

from app.core import audit
from app.core.auth import Actor
from app.core.db import dialect_insert, utcnow
from app.households.errors import TooManyLookups
from app.households.models import PersonLookupBudget

WINDOW = timedelta(minutes=1)


async def spend(actor: Actor, lookups: int = 1) -> None:
    """Count `lookups` ID numbers against the actor's budget of the current minute; 429 past it.

    Call it before the request's own transaction has run a statement."""
    now = utcnow()
    restart = PersonLookupBudget.window_start <= now - WINDOW
    database = actor.services.database
    async with database.sessionmaker() as session, session.begin():
        insert = dialect_insert(session, PersonLookupBudget).values(
            account=actor.principal.caller_id, window_start=now, used=lookups
        )
        counted = await session.execute(
            insert.on_conflict_do_update(
                index_elements=["account"],
                set_={
                    "used": case((restart, lookups), else_=PersonLookupBudget.used + lookups),
                    "window_start": case((restart, now), else_=PersonLookupBudget.window_start),
                },
            ).returning(PersonLookupBudget.used, PersonLookupBudget.window_start)
        )
        used, window_start = counted.one()
    if used <= actor.services.settings.person_lookups_per_minute:
        return
    await audit.record_now(
        database, actor.context, "denied:person.lookup", outcome=audit.AuditOutcome.denied
    )
    raise TooManyLookups(max(1, math.ceil((window_start + WINDOW - now).total_seconds())))
