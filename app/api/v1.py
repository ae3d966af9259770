"""Mounts every domain router under /api/v1."""

from fastapi import APIRouter

from app.dictionaries.router import router as dictionaries
from app.organizations.router import router as organizations
from app.regions.router import router as regions
from app.workdays.router import router as workdays

api_v1 = APIRouter(prefix="/api/v1")
for domain_router in (regions, organizations, dictionaries, workdays):
    api_v1.include_router(domain_router)
