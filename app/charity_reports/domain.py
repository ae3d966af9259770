"""What the app composes of the charity federation's monthly report: its router, its table,
the monthly job and the demo reports."""

from app.charity_reports.jobs import EVERY_SECONDS, generate_previous_month
from app.charity_reports.models import CharityReport
from app.charity_reports.router import router
from app.core.composition import Domain
from app.core.worker import PeriodicTask
from app.demo.charity_reports import seed

domain = Domain(
    name="charity_reports",
    routers=[router],
    models=[CharityReport],
    periodic=[PeriodicTask("generate_charity_reports", EVERY_SECONDS, generate_previous_month)],
    seed=seed,
)
