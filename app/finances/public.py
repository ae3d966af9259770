"""What other domains may use of a household's finances: recording incomes, expenditures and
assets (demo data, and the intake work that gathers them); reading them as figures for the
eligibility rules (`income_by_month`, `rigid_by_kind`, `declared_assets`). The caller
fetched the household through the actor's reach."""

from app.finances.facts import AssetFact
from app.finances.months import MonthRange, add_months, month_of
from app.finances.schemas import AssetIn, ExpenditureIn, IncomeIn
from app.finances.service import (
    declared_assets,
    income_by_month,
    month_range,
    replace_assets,
    replace_expenditures,
    replace_incomes,
    rigid_by_kind,
)

__all__ = [
    "AssetFact",
    "AssetIn",
    "ExpenditureIn",
    "IncomeIn",
    "MonthRange",
    "add_months",
    "declared_assets",
    "income_by_month",
    "month_of",
    "month_range",
    "replace_assets",
    "replace_expenditures",
    "replace_incomes",
    "rigid_by_kind",
]
