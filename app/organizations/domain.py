"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.demo.organizations import seed
from app.organizations.models import Organization
from app.organizations.router import router

domain = Domain(name="organizations", routers=[router], models=[Organization], seed=seed)
