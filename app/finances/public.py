"""What other domains may use of a household's finances: recording incomes (demo data, and
the intake work that gathers them)."""

from app.finances.months import add_months, month_of
from app.finances.schemas import IncomeIn
from app.finances.service import month_range, replace_incomes

__all__ = ["IncomeIn", "add_months", "month_of", "month_range", "replace_incomes"]
