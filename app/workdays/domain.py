"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.workdays.cli import cli
from app.workdays.models import CalendarDay, CalendarYear
from app.workdays.router import router

domain = Domain(name="workdays", routers=[router], cli=cli, models=[CalendarYear, CalendarDay])
