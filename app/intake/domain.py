"""What the app composes of intake: routers, jobs, periodic upkeep, models, demo data."""

from app.core.composition import Domain
from app.intake.models import (
    Application,
    ApplicationTransition,
    Deadline,
    DiscoveryReport,
    HomeVisit,
    InboxItem,
)
from app.intake.reports.router import router as reports_router

domain = Domain(
    name="intake",
    routers=[reports_router],
    models=[DiscoveryReport, Application, ApplicationTransition, HomeVisit, Deadline, InboxItem],
)
