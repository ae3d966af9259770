"""Which side of a referral a caller takes (`views.side_of`), pure: an organisation's
officers and partner systems receive the referrals addressed to it; a partner system cancels
only those it pushed in; of the staff, the sender and those above the office it was sent
from cancel; everyone else only reads."""

import uuid
from types import SimpleNamespace
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st

from app.core.auth import Actor
from app.core.permissions import REGION_ROLES, Role
from app.referrals.models import Referral
from app.referrals.states import Side
from app.referrals.views import side_of

ORGANIZATIONS = [uuid.UUID(int=n) for n in range(1, 4)]
USERS = [uuid.UUID(int=n) for n in range(11, 13)]
REGIONS = ["500112", "500112001", "500112002", "500112001001"]
SENDING_STAFF = {Role.district_officer, Role.street_officer, Role.community_worker}
SENDING_STAFF |= {Role.social_worker}


def expected(
    role: Role, own: uuid.UUID | None, user: uuid.UUID, scope: str | None, r: Any
) -> Side | None:
    """The rule, written out independently of the permission table and `sending_side`."""
    if role in {Role.department_officer, Role.partner}:
        if own is not None and own == r.receiver_organization_id:
            return Side.receiver
        pushed = role is Role.partner and own is not None and own == r.sender_organization_id
        return Side.sender if pushed else None
    if role not in SENDING_STAFF:
        return None
    above = (
        role in REGION_ROLES
        and scope is not None
        and r.sender_region_code is not None
        and r.sender_region_code.startswith(scope)
    )
    return Side.sender if r.sent_by == user or above else None


@given(
    role=st.sampled_from(Role),
    own=st.none() | st.sampled_from(ORGANIZATIONS),
    user=st.sampled_from(USERS),
    scope=st.none() | st.sampled_from(REGIONS),
    receiver=st.sampled_from(ORGANIZATIONS),
    sender=st.none() | st.sampled_from(ORGANIZATIONS),
    sent_by=st.none() | st.sampled_from(USERS),
    sent_from=st.none() | st.sampled_from(REGIONS),
)
def test_the_side_follows_the_organisation_and_the_role(
    role: Role,
    own: uuid.UUID | None,
    user: uuid.UUID,
    scope: str | None,
    receiver: uuid.UUID,
    sender: uuid.UUID | None,
    sent_by: uuid.UUID | None,
    sent_from: str | None,
) -> None:
    principal = SimpleNamespace(
        id=user,
        role=role,
        organization_id=own,
        scope_region=scope,
        is_client=role is Role.partner,
    )
    referral = SimpleNamespace(
        receiver_organization_id=receiver,
        sender_organization_id=sender,
        sent_by=sent_by,
        sender_region_code=sent_from,
    )

    found = side_of(cast(Actor, SimpleNamespace(principal=principal)), cast(Referral, referral))

    assert found is expected(role, own, user, scope, referral)
