"""Demo monthly needs reports for the charity federation: last month's report of every demo
street, generated as the monthly job does (so a fresh demo shows one without waiting for the
worker's hourly upkeep)."""

from app.charity_reports.public import generate_missing
from app.core.clock import business_today
from app.core.db import utcnow
from app.core.services import Services


async def seed(services: Services, _password: str) -> str:
    """Last month's report of every street that has none (none again on a second run)."""
    async with services.database.sessionmaker() as session, session.begin():
        generated = await generate_missing(session, business_today(), utcnow())
    return f"{generated} new charity reports"
