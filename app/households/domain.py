"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.core.worker import PeriodicTask
from app.demo.households import seed
from app.households.cli import cli
from app.households.decisions.expiry import lapse_decisions
from app.households.decisions.router import router as decisions
from app.households.members.router import router as members
from app.households.models import (
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    HouseholdCode,
    HouseholdPlan,
    HouseholdTargetType,
    Membership,
    Person,
    PersonLookupBudget,
    TargetTypeDecision,
)
from app.households.record.router import router as record
from app.households.stewardship.router import router as stewardship

domain = Domain(
    name="households",
    routers=[record, members, stewardship, decisions],
    cli=cli,
    models=[
        Person,
        Household,
        Membership,
        TargetTypeDecision,
        HouseholdTargetType,
        HouseholdCategory,
        HouseholdCode,
        HouseholdChange,
        HouseholdPlan,
        HouseholdAssignment,
        PersonLookupBudget,
    ],
    periodic=[PeriodicTask("lapse_target_type_decisions", 3600.0, lapse_decisions)],
    seed=seed,
)
