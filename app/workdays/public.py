"""What other domains may use of the working-day calendar (DOMAIN 6)."""

from app.workdays.service import missing_years

__all__ = ["missing_years"]
