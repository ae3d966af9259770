"""What the app composes of this domain: routers, commands, jobs, models, demo data."""

from app.core.composition import Domain
from app.core.worker import PeriodicTask
from app.demo.households import seed
from app.households.cli import cli
from app.households.decisions.expiry import lapse_decisions
from app.households.decisions.router import router as decisions
from app.households.documents.router import router as documents
from app.households.members.router import router as members
from app.households.models import (
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    HouseholdCode,
    HouseholdDocument,
    HouseholdEpisode,
    HouseholdExitProposal,
    HouseholdMeasure,
    HouseholdNeed,
    HouseholdPlan,
    HouseholdTargetType,
    LedgerNumberCounter,
    Membership,
    Person,
    PersonLookupBudget,
    TargetTypeDecision,
)
from app.households.needs.router import router as needs
from app.households.record.income_window import EVERY_SECONDS, refresh_income_windows_today
from app.households.record.router import router as record
from app.households.stewardship.episodes_router import router as episodes
from app.households.stewardship.measures_router import router as measures
from app.households.stewardship.router import router as stewardship
from app.households.transfers.models import TransferRequest
from app.households.transfers.router import router as transfers

domain = Domain(
    name="households",
    routers=[
        record,
        members,
        stewardship,
        decisions,
        measures,
        episodes,
        documents,
        transfers,
        needs,
    ],
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
        HouseholdExitProposal,
        HouseholdEpisode,
        HouseholdNeed,
        HouseholdMeasure,
        PersonLookupBudget,
        LedgerNumberCounter,
        HouseholdDocument,
        TransferRequest,
    ],
    periodic=[
        PeriodicTask("lapse_target_type_decisions", 3600.0, lapse_decisions),
        PeriodicTask("refresh_income_windows", EVERY_SECONDS, refresh_income_windows_today),
    ],
    seed=seed,
)
