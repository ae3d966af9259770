"""A household's hukou and residence on a past date, from its record and its history.

The record holds the current values; every later change of them is a history entry with
the value before it (`household.update`, DOMAIN 4). Undoing the entries made after a date,
newest first, gives the values the ledger held on that date, so a correction made after
it does not rewrite what an assessment of that date read.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.core.clock import SHANGHAI
from app.core.db import ReadSession, among, column_rows
from app.households.models import Household, HouseholdChange

FIELDS = ("hukou_region_code", "settled_since")
CREATED = "household.create"


@dataclass(frozen=True, slots=True)
class ResidenceOn:
    """Hukou and residence of a household on a date, and its district now."""

    hukou_region_code: str | None
    settled_since: date | None
    """Since when the household lives in the city (在本市居住起始日期)."""
    district_code: str
    """The district the household belongs to now: the one that assesses it."""


def undo(
    current: Mapping[str, Any], later: Iterable[tuple[str, Mapping[str, Any]]]
) -> dict[str, Any]:
    """The values of `FIELDS` before the history entries `later` ((action, changes), newest
    first). A creation is not undone: what a household was entered with is the best the
    ledger knows of the time before it, not a value it replaced."""
    values = {name: current.get(name) for name in FIELDS}
    for action, changes in later:
        if action == CREATED:
            continue
        for name in FIELDS:
            change = changes.get(name)
            if isinstance(change, dict) and "before" in change:
                values[name] = change["before"]
    return values


def _day(value: Any) -> date | None:
    """A date as the history keeps it (ISO text) or as the record does."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def residence_on_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], day: date
) -> dict[uuid.UUID, ResidenceOn]:
    """Hukou region code and settled-since of each household as the ledger held them at the
    end of business day `day` (Asia/Shanghai): changes recorded on `day` count, later ones
    are undone. Two statements whatever the number of households: the records, and their
    history entries after `day`. A household that does not exist is absent."""
    if not household_ids:
        return {}
    records = await column_rows(
        session,
        select(
            Household.id,
            Household.hukou_region_code,
            Household.settled_since,
            Household.district_code,
        ).where(among(session, Household.id, household_ids)),
    )
    after = datetime.combine(day + timedelta(days=1), time(), tzinfo=SHANGHAI)
    rows = await column_rows(
        session,
        select(HouseholdChange.household_id, HouseholdChange.action, HouseholdChange.changes)
        .where(
            among(session, HouseholdChange.household_id, household_ids),
            HouseholdChange.occurred_at >= after,
        )
        .order_by(
            HouseholdChange.household_id,
            HouseholdChange.occurred_at.desc(),
            HouseholdChange.id.desc(),
        ),
    )
    later: dict[uuid.UUID, list[tuple[str, Mapping[str, Any]]]] = {}
    for household_id, action, changes in rows:
        later.setdefault(household_id, []).append((action, changes or {}))
    found = {}
    for household_id, hukou, settled, district in records:
        if household_id in later:
            values = undo(
                {"hukou_region_code": hukou, "settled_since": settled}, later[household_id]
            )
            hukou, settled = values["hukou_region_code"], _day(values["settled_since"])
        found[household_id] = ResidenceOn(hukou, settled, district)
    return found
