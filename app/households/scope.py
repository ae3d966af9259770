"""Which households a caller may see: the jurisdiction filter of every household query (DOMAIN 1).

Repositories of household-owned data add `visible_households(...)` to every
query, so an object out of scope is simply not found (404).
"""

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, false, or_, select

from app.core.auth import Principal
from app.core.permissions import REGION_ROLES, Role
from app.core.region_codes import in_bounds, subtree_bounds
from app.households.models import Household, HouseholdAssignment

_PAIRED_ROLES = frozenset({Role.community_worker, Role.grid_worker})


class Reach(StrEnum):
    """The shape of a caller's jurisdiction; its values come from `reach_of`."""

    subtree = "subtree"
    subtree_or_paired = "subtree_or_paired"
    assigned = "assigned"
    nothing = "nothing"


def reach_of(principal: Principal) -> tuple[Reach, dict[str, Any]]:
    """Which households a caller may see (DOMAIN 1), as a shape and its parameter values.

    - district, street, community and grid staff: their region subtree;
      community and grid workers also the households they are paired with
      (对口帮扶, Yubei 3(3)3(1)), even outside their grid;
    - social workers: the households actively assigned to them;
    - everyone else (admins, auditors, departments, partners): no household
      rows through this path (departments and partners see referral data,
      auditors only under a grant; both come with their own issues).
    """
    if principal.role in REGION_ROLES and principal.scope_region is not None:
        low, high = subtree_bounds(principal.scope_region)
        if principal.role not in _PAIRED_ROLES:
            return Reach.subtree, {"scope_low": low, "scope_high": high}
        return Reach.subtree_or_paired, {
            "scope_low": low,
            "scope_high": high,
            "scope_user": principal.id,
        }
    if principal.role is Role.social_worker:
        return Reach.assigned, {"scope_user": principal.id}
    return Reach.nothing, {}


def _condition(
    reach: Reach, household_id: Any, region_code: Any, value: Callable[[str], Any]
) -> Any:
    if reach in (Reach.subtree, Reach.subtree_or_paired):
        subtree = in_bounds(region_code, value("scope_low"), value("scope_high"))
        if reach is Reach.subtree:
            return subtree
        paired = select(Household.id).where(Household.paired_worker_id == value("scope_user"))
        return or_(subtree, household_id.in_(paired))
    if reach is Reach.assigned:
        assigned = select(HouseholdAssignment.household_id).where(
            HouseholdAssignment.social_worker_id == value("scope_user"),
            HouseholdAssignment.active.is_(True),
        )
        return household_id.in_(assigned)
    return false()


def visible_households(principal: Principal, household_id: Any, region_code: Any) -> Any:
    """SQL condition on a household-owned row's household id and region code (see `reach_of`)."""
    reach, values = reach_of(principal)
    return _condition(reach, household_id, region_code, values.__getitem__)


_PARAMETERS: Mapping[str, Any] = {
    "scope_low": bindparam("scope_low", type_=Household.region_code.type),
    "scope_high": bindparam("scope_high", type_=Household.region_code.type),
    "scope_user": bindparam("scope_user", type_=Household.paired_worker_id.type),
}


def reach_template(reach: Reach, household_id: Any, region_code: Any) -> Any:
    """`visible_households` with named parameters in place of a caller's values, so a
    statement built on it once serves every caller of that shape; execute it with
    the values `reach_of` gives."""
    return _condition(reach, household_id, region_code, _PARAMETERS.__getitem__)
