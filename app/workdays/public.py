"""What other domains may use of the working-day calendar (DOMAIN 6)."""

from app.workdays.service import add_working_days, missing_years

__all__ = ["add_working_days", "missing_years"]
