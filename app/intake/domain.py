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

domain = Domain(
    name="intake",
    models=[DiscoveryReport, Application, ApplicationTransition, HomeVisit, Deadline, InboxItem],
)
