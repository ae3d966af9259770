"""What a caller may reach (DOMAIN 1): a description, free of any domain's tables.

`reach_of` decides it for every role, once per request; each domain turns
it into the filter of its own queries (the ledger: `households.public`), so
every domain that holds household data scopes it the same way.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.core.clock import business_today
from app.core.permissions import REGION_ROLES, Role
from app.core.principals import Principal
from app.core.region_codes import is_within

_PAIRED_ROLES = frozenset({Role.community_worker, Role.grid_worker})
_ORGANIZATION_ROLES = frozenset({Role.department_officer, Role.partner})


class ReachShape(StrEnum):
    """The shape of a reach: which of its parts are set (statements are prebuilt per shape)."""

    subtree = "subtree"
    subtree_or_paired = "subtree_or_paired"
    assigned = "assigned"
    referred = "referred"
    granted = "granted"
    nothing = "nothing"


@dataclass(frozen=True, slots=True)
class Reach:
    """Which households (and the rows they own) a caller may see.

    - `regions`: region subtrees, by code (region staff: their scope; an
      auditor: the regions of its live grants);
    - `paired_user`: also the households this community or grid worker is
      paired with (对口帮扶, Yubei 3(3)3(1)), even outside its grid;
    - `assigned_user`: the households actively assigned to this social worker
      (Beijing 4, 7);
    - `organization`: the households with a referral addressed to this
      organisation (department officers and partner systems; DOMAIN 7), as of the
      business day `on` (an organisation that is not a government department reaches a
      household only while its consent is in force that day);
    - `read_only`: an auditor under a grant reads and never writes, and every
      read it makes is audited (DOMAIN 12).
    """

    shape: ReachShape
    regions: tuple[str, ...] = ()
    paired_user: uuid.UUID | None = None
    assigned_user: uuid.UUID | None = None
    organization: uuid.UUID | None = None
    on: date | None = None
    read_only: bool = False

    @property
    def is_empty(self) -> bool:
        return self.shape is ReachShape.nothing


NOTHING = Reach(ReachShape.nothing)


def reach_of(
    principal: Principal, granted_regions: tuple[str, ...] = (), on: date | None = None
) -> Reach:
    """The reach of a caller (DOMAIN 1).

    - district, street, community and grid staff: their region subtree;
      community and grid workers also the households they are paired with;
    - social workers: the households assigned to them;
    - department officers and partner clients: households referred to their
      organisation, as of the business day `on` (today when left out);
    - auditors: the subtrees of their live grants (`granted_regions`), read-only;
    - administrators: nothing (they keep users and reference data, no casework).
    """
    role = principal.role
    if role in REGION_ROLES and principal.scope_region is not None:
        if role in _PAIRED_ROLES:
            return Reach(
                ReachShape.subtree_or_paired,
                regions=(principal.scope_region,),
                paired_user=principal.id,
            )
        return Reach(ReachShape.subtree, regions=(principal.scope_region,))
    if role is Role.social_worker:
        return Reach(ReachShape.assigned, assigned_user=principal.id)
    if role in _ORGANIZATION_ROLES and principal.organization_id is not None:
        return Reach(
            ReachShape.referred,
            organization=principal.organization_id,
            on=business_today() if on is None else on,
        )
    if role is Role.auditor and granted_regions:
        return Reach(ReachShape.granted, regions=_outermost(granted_regions), read_only=True)
    return NOTHING


def _outermost(codes: tuple[str, ...]) -> tuple[str, ...]:
    """The codes not inside another of them: a grant of a district covers its streets' grants."""
    unique = sorted(set(codes))
    return tuple(c for c in unique if not any(o != c and is_within(c, o) for o in unique))
