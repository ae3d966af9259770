"""Reading a region's active households a batch at a time, for work over a whole subtree
(the eligibility simulation): keyset batches in id order, never the subtree at once, and
the labels a person reads a household by (ledger number, head's name)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.core.db import ReadSession, column_rows
from app.core.region_codes import in_subtree
from app.households.models import Household, Person

ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class HouseholdLabel:
    """How a list names a household: its ledger number and its head's name (unmasked: the
    caller masks it for the reader's role)."""

    ledger_number: str
    head_name: str | None


def _active_in(region_code: str) -> Any:
    return (Household.status == ACTIVE) & in_subtree(Household.region_code, region_code)


async def count_active(session: ReadSession, region_code: str) -> int:
    """How many active households the region's subtree holds."""
    found = await session.scalar(select(func.count()).where(_active_in(region_code)))
    return int(found or 0)


async def active_after(
    session: ReadSession,
    region_code: str,
    after: uuid.UUID | None,
    limit: int,
    until: uuid.UUID | None = None,
) -> list[tuple[uuid.UUID, str]]:
    """(id, region code) of the next `limit` active households of the subtree with an id
    above `after` (from the first when None) and at most `until` (to the last when None),
    in id order: one batch of a keyset walk."""
    stmt = select(Household.id, Household.region_code).where(_active_in(region_code))
    if after is not None:
        stmt = stmt.where(Household.id > after)
    if until is not None:
        stmt = stmt.where(Household.id <= until)
    rows = await column_rows(session, stmt.order_by(Household.id).limit(limit))
    return [(household_id, code) for household_id, code in rows]


async def active_split(session: ReadSession, region_code: str, parts: int) -> list[uuid.UUID]:
    """The upper bounds of `parts` runs of about equal size of the subtree's active
    households in id order: the household at position ceil(k·N/parts) for k = 1..parts,
    the last the N-th (the last) household's; fewer bounds when there are fewer
    households than parts, none when there are none. One statement that numbers and
    counts the households from one snapshot, so the runs cover exactly the households it
    saw: the k-th bound is the first n with floor(n·parts/N) = k."""
    numbered = (
        select(
            Household.id,
            func.row_number().over(order_by=Household.id).label("n"),
            func.count().over().label("total"),
        )
        .where(_active_in(region_code))
        .subquery()
    )
    n, total = numbered.c.n, numbered.c.total
    rows = await column_rows(
        session,
        select(numbered.c.id)
        .where((n * parts) // total > ((n - 1) * parts) // total)
        .order_by(numbered.c.id),
    )
    return [household_id for (household_id,) in rows]


async def labels(
    session: ReadSession, household_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, HouseholdLabel]:
    """Ledger number and head's name of each household that exists, in one statement."""
    if not household_ids:
        return {}
    rows = await session.execute(
        select(Household.id, Household.ledger_number, Person.name)
        .outerjoin(Person, Person.id == Household.head_person_id)
        .where(Household.id.in_(household_ids))
    )
    return {
        household_id: HouseholdLabel(ledger_number, name)
        for household_id, ledger_number, name in rows
    }
