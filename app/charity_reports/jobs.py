"""The monthly report is sent without anyone asking (定时报送): worker upkeep."""

from app.charity_reports.service import generate_missing
from app.core.clock import business_today
from app.core.db import WriteSession, utcnow
from app.core.services import Services

EVERY_SECONDS = 3600.0
"""Hourly: the previous month's reports appear within an hour of the month's turn."""


async def generate_previous_month(session: WriteSession, _services: Services) -> int:
    """The worker's upkeep: the previous month's report of every street that has none."""
    return await generate_missing(session, business_today(), utcnow())
