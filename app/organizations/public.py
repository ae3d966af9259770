"""What other domains may use of organisations (departments, partners, agencies; DOMAIN 7):
fetching them, and whether a kind is a government department (`is_government`,
`requires_consent`: the one place that classifies kinds, `organizations.kinds`)."""

from app.organizations.kinds import is_government, requires_consent
from app.organizations.repository import government_ids as government_organizations
from app.organizations.service import ensure as ensure_organization
from app.organizations.service import get as get_organization
from app.organizations.service import ids_within as organizations_within
from app.organizations.service import kind_of as organization_kind
from app.organizations.service import kinds_of as organization_kinds
from app.organizations.service import names_of as organization_names
from app.organizations.service import of_kind_serving as organizations_serving

__all__ = [
    "ensure_organization",
    "get_organization",
    "government_organizations",
    "is_government",
    "organization_kind",
    "organization_kinds",
    "organization_names",
    "organizations_serving",
    "organizations_within",
    "requires_consent",
]
