"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.system.router import router

domain = Domain(name="system", routers=[router])
