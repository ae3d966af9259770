"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.imports import job
from app.imports.cli import cli
from app.imports.models import Import, ImportRowError
from app.imports.router import router

domain = Domain(
    name="imports",
    routers=[router],
    cli=cli,
    jobs=[(job.IMPORT, job.run)],
    models=[Import, ImportRowError],
)
