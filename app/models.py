"""Every table, imported once so Alembic and tests see the whole schema."""

from app.confidentiality.models import AuditorGrant, ConfidentialityAgreement
from app.core.audit import AuditEvent, AuditSealState
from app.core.db import Base
from app.core.idempotency import IdempotencyRecord
from app.core.jobs import Job
from app.dictionaries.models import DictionaryCode
from app.finances.models import Asset, Expenditure, Income
from app.households.models import (
    Household,
    HouseholdAssignment,
    HouseholdCategory,
    HouseholdChange,
    HouseholdCode,
    HouseholdPlan,
    HouseholdTargetType,
)
from app.households.person_models import Membership, Person
from app.identity.models import ApiClient, LoginThrottle, RefreshToken, User
from app.imports.models import Import, ImportRowError
from app.organizations.models import Organization
from app.regions.models import Region
from app.workdays.models import CalendarDay, CalendarYear

__all__ = [
    "ApiClient",
    "Asset",
    "AuditEvent",
    "AuditSealState",
    "AuditorGrant",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "ConfidentialityAgreement",
    "DictionaryCode",
    "Expenditure",
    "Household",
    "HouseholdAssignment",
    "HouseholdCategory",
    "HouseholdChange",
    "HouseholdCode",
    "HouseholdPlan",
    "HouseholdTargetType",
    "IdempotencyRecord",
    "Import",
    "ImportRowError",
    "Income",
    "Job",
    "LoginThrottle",
    "Membership",
    "Organization",
    "Person",
    "RefreshToken",
    "Region",
    "User",
]
