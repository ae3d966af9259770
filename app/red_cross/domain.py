"""What the app composes of the Red Cross aid: its router, models and demo terms."""

from app.core.composition import Domain
from app.demo.red_cross import seed
from app.red_cross.models import AidQuote, AidTerms
from app.red_cross.router import router

domain = Domain(name="red_cross", routers=[router], models=[AidTerms, AidQuote], seed=seed)
