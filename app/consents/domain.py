"""What the app composes of this domain: routers, models, demo data."""

from app.consents.models import HouseholdConsent
from app.consents.router import router
from app.core.composition import Domain
from app.demo.consents import seed

domain = Domain(name="consents", routers=[router], models=[HouseholdConsent], seed=seed)
