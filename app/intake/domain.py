"""What the app composes of intake: routers, jobs, periodic upkeep, models, demo data."""

from app.core.composition import Domain
from app.core.services import Services
from app.core.worker import PeriodicTask
from app.demo import intake_visits
from app.demo.intake_applications import seed as seed_applications
from app.demo.intake_reports import seed as seed_reports
from app.intake.applications.router import router as applications_router
from app.intake.cli import cli
from app.intake.deadlines import upkeep
from app.intake.deadlines.router import router as deadlines_router
from app.intake.inbox.router import router as inbox_router
from app.intake.models import (
    Application,
    ApplicationTransition,
    Deadline,
    DiscoveryReport,
    HomeVisit,
    InboxItem,
)
from app.intake.reports.router import router as reports_router
from app.intake.visits.router import router as visits_router
from app.workdays.public import CALENDAR_CHANGED

UPKEEP_SECONDS = 600.0
"""How often the worker marks missed deadlines and reminds of approaching ones."""


async def seed(services: Services, password: str) -> str:
    """Intake's demo data, after the ledger's (README "Demo data"): one part per area."""
    return ", ".join(
        [
            await seed_applications(services, password),
            await seed_reports(services, password),
            await intake_visits.seed(services, password),
        ]
    )


domain = Domain(
    name="intake",
    routers=[applications_router, reports_router, deadlines_router, visits_router, inbox_router],
    cli=cli,
    jobs=[(upkeep.RECOUNT, upkeep.recount_on_calendar_change)],
    periodic=[
        PeriodicTask("miss_deadlines", UPKEEP_SECONDS, upkeep.miss_deadlines),
        PeriodicTask("remind_deadlines", UPKEEP_SECONDS, upkeep.remind_deadlines),
    ],
    subscriptions={CALENDAR_CHANGED: [upkeep.RECOUNT]},
    seed=seed,
    models=[DiscoveryReport, Application, ApplicationTransition, HomeVisit, Deadline, InboxItem],
)
