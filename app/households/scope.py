"""Which households a caller may see: the jurisdiction filter of every household query (DOMAIN 1).

Repositories of household-owned data add `visible_households(...)` to every
query, so an object out of scope is simply not found (404).
"""

from typing import Any

from sqlalchemy import false, or_, select

from app.core.auth import Principal
from app.core.permissions import REGION_ROLES, Role
from app.core.region_codes import in_subtree
from app.households.models import Household, HouseholdAssignment

_PAIRED_ROLES = frozenset({Role.community_worker, Role.grid_worker})


def visible_households(principal: Principal, household_id: Any, region_code: Any) -> Any:
    """SQL condition on a household-owned row's household id and region code.

    - district, street, community and grid staff: their region subtree;
      community and grid workers also the households they are paired with
      (对口帮扶, Yubei 3(3)3(1)), even outside their grid;
    - social workers: the households actively assigned to them;
    - everyone else (admins, auditors, departments, partners): no household
      rows through this path (departments and partners see referral data,
      auditors only under a grant; both come with their own issues).
    """
    if principal.role in REGION_ROLES and principal.scope_region is not None:
        subtree = in_subtree(region_code, principal.scope_region)
        if principal.role not in _PAIRED_ROLES:
            return subtree
        paired = select(Household.id).where(Household.paired_worker_id == principal.id)
        return or_(subtree, household_id.in_(paired))
    if principal.role is Role.social_worker:
        assigned = select(HouseholdAssignment.household_id).where(
            HouseholdAssignment.social_worker_id == principal.id,
            HouseholdAssignment.active.is_(True),
        )
        return household_id.in_(assigned)
    return false()
