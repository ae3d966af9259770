"""What the app composes of the charity federation's monthly report: its router, its table,
and the monthly job."""

from app.charity_reports.jobs import EVERY_SECONDS, generate_previous_month
from app.charity_reports.models import CharityReport
from app.charity_reports.router import router
from app.core.composition import Domain
from app.core.worker import PeriodicTask

domain = Domain(
    name="charity_reports",
    routers=[router],
    models=[CharityReport],
    periodic=[PeriodicTask("generate_charity_reports", EVERY_SECONDS, generate_previous_month)],
)
