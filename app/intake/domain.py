"""What the app composes of intake: routers, jobs, periodic upkeep, models, demo data."""

from app.core.composition import Domain
from app.core.services import Services
from app.demo.intake_reports import seed as seed_reports
from app.intake.cli import cli
from app.intake.models import (
    Application,
    ApplicationTransition,
    Deadline,
    DiscoveryReport,
    HomeVisit,
    InboxItem,
)
from app.intake.reports.router import router as reports_router


async def seed(services: Services, password: str) -> str:
    """Intake's demo data, after the ledger's: one line per part."""
    return "; ".join([await seed_reports(services, password)])


domain = Domain(
    name="intake",
    routers=[reports_router],
    cli=cli,
    seed=seed,
    models=[DiscoveryReport, Application, ApplicationTransition, HomeVisit, Deadline, InboxItem],
)
