"""A household that moves to another community or grid takes its rows with it.

Every household-owned table carries `region_code` and `district_code`
(docs/architecture.md) so jurisdiction is a range on the row itself; when
the household moves, one set-based UPDATE per table keeps them true. The
tables are found from the metadata, so a new household-owned table is
covered without touching this module.
"""

import uuid

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Base


def household_owned_tables() -> list[Table]:
    return [
        table
        for table in Base.metadata.sorted_tables
        if table.name != "households" and {"household_id", "region_code"} <= set(table.c.keys())
    ]


async def relocate(session: AsyncSession, household_id: uuid.UUID, region_code: str) -> None:
    # Rows added earlier in the change (history entries, say) were stamped with
    # the old region; written first, the UPDATEs below move them too.
    await session.flush()
    for table in household_owned_tables():
        values = {"region_code": region_code}
        if "district_code" in table.c:
            values["district_code"] = region_code[:6]
        await session.execute(
            update(table).where(table.c.household_id == household_id).values(**values)
        )
