"""What the app composes of intake: routers, jobs, periodic upkeep, models, demo data."""

from app.core.composition import Domain
from app.demo.intake_applications import seed
from app.intake.applications.router import router as applications_router
from app.intake.models import (
    Application,
    ApplicationTransition,
    Deadline,
    DiscoveryReport,
    HomeVisit,
    InboxItem,
)

domain = Domain(
    name="intake",
    routers=[applications_router],
    seed=seed,
    models=[DiscoveryReport, Application, ApplicationTransition, HomeVisit, Deadline, InboxItem],
)
