"""What other domains may use of a household's finances: recording incomes, expenditures and
assets (demo data, and the intake work that gathers them)."""

from app.finances.months import add_months, month_of
from app.finances.schemas import AssetIn, ExpenditureIn, IncomeIn
from app.finances.service import month_range, replace_assets, replace_expenditures, replace_incomes

__all__ = [
    "AssetIn",
    "ExpenditureIn",
    "IncomeIn",
    "add_months",
    "month_of",
    "month_range",
    "replace_assets",
    "replace_expenditures",
    "replace_incomes",
]
