"""The domains the app is composed of, and what authentication needs from them."""

from app.confidentiality.public import granted_regions
from app.core.services import AccessHooks
from app.identity.tokens import principal_status

ACCESS_HOOKS = AccessHooks(principal_status=principal_status, granted_regions=granted_regions)
