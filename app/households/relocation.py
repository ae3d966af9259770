"""A household that moves to another community or grid takes its rows with it.

Every household-owned table declares it (`HouseholdOwned`) and carries
`region_code` and `district_code` (docs/architecture.md), so jurisdiction is
a range on the row itself; when the household moves, one set-based UPDATE
per owned table keeps them true. Tables of other domains that declare
ownership are moved the same way, without this module knowing them.
"""

import uuid

from sqlalchemy import Table, update

from app.core.db import Base, WriteSession
from app.households.models import HouseholdOwned


def household_owned_tables() -> list[Table]:
    """The tables of every mapped class that declares `HouseholdOwned`, in dependency order."""
    owned = {
        mapper.local_table
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, HouseholdOwned)
    }
    return [table for table in Base.metadata.sorted_tables if table in owned]


async def relocate(session: WriteSession, household_id: uuid.UUID, region_code: str) -> None:
    # Rows added earlier in the change (history entries, say) were stamped with
    # the old region; written first, the UPDATEs below move them too.
    await session.flush()
    for table in household_owned_tables():
        await session.execute(
            update(table)
            .where(table.c.household_id == household_id)
            .values(region_code=region_code, district_code=region_code[:6])
        )
