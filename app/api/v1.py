"""Every domain router of the versioned API (each carries its own /api/v1 prefix)."""

from fastapi import APIRouter, FastAPI

from app.audit.router import router as audit
from app.confidentiality.router import router as confidentiality
from app.dictionaries.router import router as dictionaries
from app.finances.router import router as finances
from app.households.router import router as households
from app.households.router_members import router as household_members
from app.households.router_stewardship import router as household_stewardship
from app.identity.router_auth import router as auth
from app.identity.router_clients import router as api_clients
from app.identity.router_users import router as users
from app.imports.router import router as imports
from app.organizations.router import router as organizations
from app.regions.router import router as regions
from app.workdays.router import router as workdays

DOMAIN_ROUTERS: tuple[APIRouter, ...] = (
    auth,
    users,
    api_clients,
    confidentiality,
    regions,
    organizations,
    dictionaries,
    workdays,
    # Stewardship before the record: /households/completeness is not a household id.
    household_stewardship,
    households,
    household_members,
    imports,
    finances,
    audit,
)


def include_api_v1(app: FastAPI) -> None:
    """Included one level deep: a nested router would make FastAPI match its routes twice."""
    for domain_router in DOMAIN_ROUTERS:
        app.include_router(domain_router)
