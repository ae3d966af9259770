"""Which side of a referral a caller takes (`views.side_of`), pure: an organisation's
officers and partner systems receive the referrals addressed to it; a partner system cancels
only those it pushed in; the sending staff cancel; everyone else only reads."""

import uuid
from types import SimpleNamespace
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st

from app.core.auth import Actor
from app.core.permissions import Role
from app.referrals.models import Referral
from app.referrals.states import Side
from app.referrals.views import side_of

ORGANIZATIONS = [uuid.UUID(int=n) for n in range(1, 4)]
SENDING_STAFF = {Role.district_officer, Role.street_officer, Role.community_worker}
SENDING_STAFF |= {Role.social_worker}


def expected(role: Role, own: uuid.UUID | None, receiver: uuid.UUID, sender: Any) -> Side | None:
    """The rule, written out independently of the permission table."""
    if role in {Role.department_officer, Role.partner}:
        if own is not None and own == receiver:
            return Side.receiver
        pushed = role is Role.partner and own is not None and own == sender
        return Side.sender if pushed else None
    return Side.sender if role in SENDING_STAFF else None


@given(
    role=st.sampled_from(Role),
    own=st.none() | st.sampled_from(ORGANIZATIONS),
    receiver=st.sampled_from(ORGANIZATIONS),
    sender=st.none() | st.sampled_from(ORGANIZATIONS),
)
def test_the_side_follows_the_organisation_and_the_role(
    role: Role, own: uuid.UUID | None, receiver: uuid.UUID, sender: uuid.UUID | None
) -> None:
    actor = SimpleNamespace(principal=SimpleNamespace(role=role, organization_id=own))
    referral = SimpleNamespace(receiver_organization_id=receiver, sender_organization_id=sender)

    found = side_of(cast(Actor, actor), cast(Referral, referral))

    assert found is expected(role, own, receiver, sender)
