"""The income window moves with the month (DOMAIN 4): stored completeness follows it.

Completeness asks for an income row in each of the 12 months before the current one, so
the first day of a month changes what a record lacks without anyone writing it: the month
just ended joins the window and the oldest leaves. Every write recomputes completeness on
its own business date; this upkeep brings along the records nobody wrote since the month
turned. Only the `incomes.YYYY-MM` gaps depend on the date, so only they are recomputed,
a batch of households at a time: one query for their stored gaps, one for their incomes,
one statement for the rows that changed. Running it again changes nothing.

It neither bumps versions nor writes history: completeness is a reading of the record
against the calendar, not a change of the record, so the `If-Match` a client holds stays
good and the list's `updated_at` order keeps meaning who changed what. Each run walks every
household (the worker runs it a few times a day, so a month's turn shows within hours);
a run where no month turned writes nothing.
"""

from datetime import date

from app.core.clock import business_today
from app.core.db import WriteSession
from app.core.services import Services
from app.households.record import completeness, repository
from app.households.record.rules import in_income_window

BATCH = 1000
"""Households read per round trip."""
EVERY_SECONDS = 6 * 3600.0
"""How often the worker runs it: several times a day, so a new month shows within hours."""


async def refresh_income_windows(session: WriteSession, today: date) -> int:
    """Bring every household's stored `missing_fields` and `complete` to the income window of
    the business date `today`; returns how many changed (DOMAIN 4; Beijing 7)."""
    changed = 0
    after = None
    while batch := await repository.stored_completeness(session, after, BATCH):
        after = batch[-1][0]
        months = await completeness.income_months(session, [i for i, _ in batch], today)
        moved = [
            (household_id, now)
            for household_id, stored in batch
            if (now := in_income_window(stored, today, months.get(household_id, ()))) != stored
        ]
        await repository.store_completeness(session, moved)
        changed += len(moved)
    return changed


async def refresh_income_windows_today(session: WriteSession, _services: Services) -> int:
    """The worker's upkeep: `refresh_income_windows` on today's business date."""
    return await refresh_income_windows(session, business_today())
