"""What other domains (and the demo) may use of the charity federation's monthly report:
generating the previous month's missing reports as the monthly job does."""

from app.charity_reports.service import generate_missing

__all__ = ["generate_missing"]
