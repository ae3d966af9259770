"""Shaping incomes, expenditures and assets for the API, with their totals summed exactly."""

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.finances.models import Asset, Expenditure, Income
from app.finances.months import MonthRange
from app.finances.schemas import (
    AssetOut,
    AssetsOut,
    ExpenditureOut,
    ExpendituresOut,
    IncomeOut,
    IncomesOut,
    KindTotal,
    MonthTotal,
)
from app.households.public import HouseholdRef

_ZERO = Decimal("0.00")


def _totals(rows: list[Income] | list[Expenditure]) -> tuple[list[MonthTotal], Decimal]:
    """Per month and overall; `Decimal` sums of two-place amounts are exact."""
    by_month: dict[date, Decimal] = defaultdict(lambda: _ZERO)
    for row in rows:
        by_month[row.month] += row.amount
    months = [MonthTotal(month=m, amount=by_month[m]) for m in sorted(by_month)]
    return months, sum(by_month.values(), _ZERO)


def incomes_out(household: HouseholdRef, months: MonthRange, rows: list[Income]) -> IncomesOut:
    monthly, total = _totals(rows)
    return IncomesOut(
        household_id=household.id,
        from_=months.first,
        to=months.last,
        items=[IncomeOut.model_validate(r) for r in rows],
        monthly_totals=monthly,
        total=total,
        version=household.version,
    )


def expenditures_out(
    household: HouseholdRef, months: MonthRange, rows: list[Expenditure]
) -> ExpendituresOut:
    monthly, total = _totals(rows)
    by_kind: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    for row in rows:
        by_kind[row.kind] += row.amount
    return ExpendituresOut(
        household_id=household.id,
        from_=months.first,
        to=months.last,
        items=[ExpenditureOut.model_validate(r) for r in rows],
        monthly_totals=monthly,
        kind_totals=[KindTotal(kind=k, amount=by_kind[k]) for k in sorted(by_kind)],
        total=total,
        version=household.version,
    )


def owned_value(asset: Asset) -> Decimal | None:
    """The household's part of an asset: value x share / 100, half up to the fen."""
    if asset.value is None:
        return None
    return (asset.value * asset.ownership_share / 100).quantize(_ZERO, rounding=ROUND_HALF_UP)


def assets_out(household: HouseholdRef, rows: list[Asset], *, declared: bool) -> AssetsOut:
    items = [
        AssetOut.model_validate(
            {
                **{
                    name: getattr(r, name)
                    for name in AssetOut.model_fields
                    if name != "owned_value"
                },
                "owned_value": owned_value(r),
            }
        )
        for r in rows
    ]
    return AssetsOut(
        household_id=household.id,
        items=items,
        declared=declared,
        total_value=sum((r.value for r in rows if r.value is not None), _ZERO),
        total_owned_value=sum((i.owned_value for i in items if i.owned_value is not None), _ZERO),
        version=household.version,
    )
