"""What other domains may use of a household's finances: recording incomes, expenditures and
assets (demo data, and the intake work that gathers them); reading them as figures for the
eligibility rules, for a batch of households in one statement per kind of figure
(`income_by_month_many`, `rigid_by_kind_many`, `declared_assets_many`). The caller reached
the households (an assessment through the actor's reach, a simulation through its region)."""

from app.finances.facts import AssetFact
from app.finances.months import MonthRange, add_months, month_of
from app.finances.schemas import AssetIn, ExpenditureIn, IncomeIn
from app.finances.service import (
    declared_assets_many,
    income_by_month_many,
    month_range,
    replace_assets,
    replace_expenditures,
    replace_incomes,
    rigid_by_kind_many,
)

__all__ = [
    "AssetFact",
    "AssetIn",
    "ExpenditureIn",
    "IncomeIn",
    "MonthRange",
    "add_months",
    "declared_assets_many",
    "income_by_month_many",
    "month_of",
    "month_range",
    "replace_assets",
    "replace_expenditures",
    "replace_incomes",
    "rigid_by_kind_many",
]
