"""Liveness and readiness of the service."""

from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from app.core import jobs
from app.core.db import Database
from app.core.metrics import CALENDAR_YEAR_MISSING
from app.core.migrations import current_revision
from app.system.schemas import Check, Readiness
from app.workdays import public as workdays


async def readiness(database: Database, head: str, today: date) -> Readiness:
    """Ready when the database answers and is at the migration head.

    Also warns (without failing) about calendar years that deadlines may reach
    but nobody has loaded, and about dead-letter jobs.
    """
    checks: list[Check] = []
    warnings: list[str] = []
    try:
        async with database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            checks.append(Check(name="database", ok=True, detail="reachable"))
            revision = await current_revision(connection)
        at_head = revision == head
        checks.append(
            Check(
                name="migrations",
                ok=at_head,
                detail=f"at head {head}"
                if at_head
                else f"at {revision or 'nothing'}, head is {head}",
            )
        )
        if at_head:
            warnings += await _warnings(database, today)
    except (OSError, DBAPIError, OperationalError) as exc:
        checks.append(
            Check(name="database", ok=False, detail=f"unreachable ({type(exc).__name__})")
        )
    status = "ready" if all(c.ok for c in checks) else "unavailable"
    return Readiness(status=status, checks=checks, warnings=warnings)


async def _warnings(database: Database, today: date) -> list[str]:
    warnings: list[str] = []
    async with database.read_sessionmaker() as session:
        years = range(today.year, today.year + 2)
        missing = set(await workdays.missing_years(session, years))
        counts = await jobs.count_by_status(session)
    for year in years:
        CALENDAR_YEAR_MISSING.labels(year=str(year)).set(1 if year in missing else 0)
        if year in missing:
            warnings.append(
                f"working-day calendar for {year} is not loaded: deadlines in {year} are provisional "
                f"(load it with `sanzhu calendar load-year`)"
            )
    if counts[jobs.JobStatus.dead.value]:
        warnings.append(
            f"{counts[jobs.JobStatus.dead.value]} background job(s) failed for good "
            "(see `sanzhu jobs list --status dead`)"
        )
    return warnings
