"""What other domains may use of the working-day calendar: deadlines in working days (DOMAIN 6)."""

from app.workdays.service import add_working_days, missing_years, working_days_between

__all__ = ["add_working_days", "missing_years", "working_days_between"]
