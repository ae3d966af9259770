"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.audit.router import router
from app.core.composition import Domain

domain = Domain(name="audit", routers=[router])
