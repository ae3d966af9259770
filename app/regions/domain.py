"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.demo.regions import seed
from app.regions.models import Region
from app.regions.router import router

domain = Domain(name="regions", routers=[router], models=[Region], seed=seed)
