"""What the app composes of referrals: routers, models, demo data; and the reach it gives
department officers in the ledger."""

from app.core.composition import Domain
from app.demo.referrals import seed
from app.households.public import on_household_leaving, reach_organizations_through
from app.referrals.models import Referral, ReferralDefault, ReferralRoute, ReferralTransition
from app.referrals.repository import referred_to
from app.referrals.router import router as referrals_router
from app.referrals.routing.router import router as routing_router
from app.referrals.service import cancel_when_left

# Department officers reach the households with an open referral to their organisation
# (core.reach). Registered when this module is imported, which `app.domains` does for the
# app, the worker, the command line and the tests alike, before any request is served.
reach_organizations_through(referred_to)
# A household that leaves the ledger, or is declined, takes its open referrals with it.
on_household_leaving(cancel_when_left)

domain = Domain(
    name="referrals",
    routers=[routing_router, referrals_router],
    seed=seed,
    models=[ReferralRoute, ReferralDefault, Referral, ReferralTransition],
)
