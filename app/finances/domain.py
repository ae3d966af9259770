"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.finances.models import Asset, Expenditure, Income
from app.finances.repository import income_months
from app.finances.router import router
from app.households.public import read_income_months_with

# The ledger's completeness asks for 12 months of income (DOMAIN 4); the months are here.
read_income_months_with(income_months)

domain = Domain(name="finances", routers=[router], models=[Income, Expenditure, Asset])
