"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.finances.models import Asset, Expenditure, Income
from app.finances.router import router

domain = Domain(name="finances", routers=[router], models=[Income, Expenditure, Asset])
