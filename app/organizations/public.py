"""What other domains may use of organisations (departments, partners, agencies; DOMAIN 7)."""

from app.organizations.service import ensure as ensure_organization
from app.organizations.service import get as get_organization
from app.organizations.service import kind_of as organization_kind

__all__ = ["ensure_organization", "get_organization", "organization_kind"]
