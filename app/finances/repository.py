"""Queries of incomes, expenditures and assets; callers fetched the household through its scope.

Replacing is set-based: one DELETE of the range and one multi-row INSERT,
whatever the number of rows.
"""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, select

from app.core.db import ReadSession, WriteSession, among, column_rows, json_rows
from app.core.money import fen_to_yuan
from app.finances.facts import AssetFact
from app.finances.models import Asset, AssetDeclaration, Expenditure, Income
from app.finances.months import MonthRange

Monthly = TypeVar("Monthly", Income, Expenditure)


async def in_range(
    session: ReadSession, model: type[Monthly], household_id: uuid.UUID, months: MonthRange
) -> list[Monthly]:
    """The rows of the range by month, each month's in the order they were written (UUIDv7 ids)."""
    rows = await session.scalars(
        select(model)
        .where(
            model.household_id == household_id,
            model.month >= months.first,
            model.month <= months.last,
        )
        .order_by(model.month, model.id)
    )
    return list(rows)


async def replace_range(
    session: WriteSession,
    model: type[Monthly],
    household_id: uuid.UUID,
    months: MonthRange,
    rows: Sequence[dict[str, Any]],
) -> None:
    await session.execute(
        delete(model)
        .where(
            model.household_id == household_id,
            model.month >= months.first,
            model.month <= months.last,
        )
        .execution_options(synchronize_session=False)
    )
    if rows:
        await session.execute(insert(model), list(rows))


async def assets(session: ReadSession, household_id: uuid.UUID) -> list[Asset]:
    rows = await session.scalars(
        select(Asset).where(Asset.household_id == household_id).order_by(Asset.id)
    )
    return list(rows)


async def replace_assets(
    session: WriteSession, household_id: uuid.UUID, rows: Sequence[dict[str, Any]]
) -> None:
    await session.execute(
        delete(Asset)
        .where(Asset.household_id == household_id)
        .execution_options(synchronize_session=False)
    )
    if rows:
        await session.execute(insert(Asset), list(rows))


async def income_months(
    session: ReadSession, household_ids: Sequence[uuid.UUID], first: date, last: date
) -> dict[uuid.UUID, set[date]]:
    """Per household, the months from `first` to `last` with at least one income row (a zero
    one counts); a household without any is left out. One query for all of them."""
    rows = await session.execute(
        select(Income.household_id, Income.month)
        .where(Income.household_id.in_(household_ids), Income.month >= first, Income.month <= last)
        .distinct()
    )
    found: dict[uuid.UUID, set[date]] = {}
    for household_id, month in rows:
        found.setdefault(household_id, set()).add(month)
    return found


async def declared_at(session: ReadSession, household_id: uuid.UUID) -> datetime | None:
    """When the household last declared its asset list; None if it never did."""
    found: datetime | None = await session.scalar(
        select(AssetDeclaration.declared_at).where(AssetDeclaration.household_id == household_id)
    )
    return found


async def declare_assets(session: WriteSession, owner: dict[str, Any], at: datetime) -> None:
    """Record a declaration of the asset list at `at` (`owner`: household id and regions); the
    household is locked by the caller, so reading before writing does not race."""
    found = await session.get(AssetDeclaration, owner["household_id"])
    if found is None:
        session.add(AssetDeclaration(**owner, declared_at=at))
    else:
        found.declared_at = at


async def _window_sums(
    session: ReadSession,
    model: type[Monthly],
    key: Any,
    household_ids: Sequence[uuid.UUID],
    months: MonthRange,
) -> dict[uuid.UUID, dict[Any, Decimal]]:
    """`amount` of the households' rows of the range summed by household and `key`, in one
    statement; a household without rows is absent."""
    if not household_ids:
        return {}
    rows = await column_rows(
        session,
        select(model.household_id, key, func.sum(model.amount))
        .where(
            among(session, model.household_id, household_ids),
            model.month >= months.first,
            model.month <= months.last,
        )
        .group_by(model.household_id, key),
    )
    found: dict[uuid.UUID, dict[Any, Decimal]] = {}
    for household_id, value, amount in rows:
        found.setdefault(household_id, {})[value] = amount
    return found


async def income_by_month(
    session: ReadSession, household_ids: Sequence[uuid.UUID], months: MonthRange
) -> dict[uuid.UUID, dict[date, Decimal]]:
    """Each household's income of each month of the range that has a row (a zero one
    counts), summed over members and sources; a household without rows is absent.

    One statement, one row per household: its months' sums in fen as JSON pairs
    (`json_rows`), read into yuan here, so a batch reads a row per household rather than a
    row per household and month (twelve, for a full window)."""
    if not household_ids:
        return {}
    per_month = (
        select(Income.household_id, Income.month, func.sum(Income.amount).label("fen"))
        .where(
            among(session, Income.household_id, household_ids),
            Income.month >= months.first,
            Income.month <= months.last,
        )
        .group_by(Income.household_id, Income.month)
        .subquery()
    )
    rows = await column_rows(
        session,
        select(per_month.c.household_id, json_rows(per_month.c.month, per_month.c.fen)).group_by(
            per_month.c.household_id
        ),
    )
    return {
        household_id: {date.fromisoformat(month): fen_to_yuan(fen) for month, fen in pairs}
        for household_id, pairs in rows
    }


async def expenditure_by_kind(
    session: ReadSession, household_ids: Sequence[uuid.UUID], months: MonthRange
) -> dict[uuid.UUID, dict[str, Decimal]]:
    """What each household bore (`amount`) over the range, per kind."""
    return await _window_sums(session, Expenditure, Expenditure.kind, household_ids, months)


async def declared_among(
    session: ReadSession, household_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of the households ever declared their asset list."""
    if not household_ids:
        return set()
    rows = await column_rows(
        session,
        select(AssetDeclaration.household_id).where(
            among(session, AssetDeclaration.household_id, household_ids)
        ),
    )
    return set(rows.scalars())


async def assets_of(
    session: ReadSession, household_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[AssetFact]]:
    """The assets of each household, oldest first, in one statement (columns, no ORM
    objects); a household without any is absent."""
    if not household_ids:
        return {}
    rows = await column_rows(
        session,
        select(
            Asset.household_id,
            Asset.kind,
            Asset.ownership_share,
            Asset.value,
            Asset.area_m2,
            Asset.vehicle_type,
            Asset.count,
        )
        .where(among(session, Asset.household_id, household_ids))
        .order_by(Asset.id),
    )
    found: dict[uuid.UUID, list[AssetFact]] = {}
    for household_id, kind, share, value, area, vehicle_type, count in rows:
        found.setdefault(household_id, []).append(
            AssetFact(kind, share, value, area, vehicle_type, count)
        )
    return found
