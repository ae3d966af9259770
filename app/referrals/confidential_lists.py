"""The streets whose referrals a list may show a social worker (Beijing 7): each referral
tells of its household, so a social worker lists only the referrals of the streets whose
confidentiality agreement with its agency is valid today, after acknowledging it, as the
ledger's own lists do; one referral read alone is checked by `service.visible`."""

from typing import Any

from sqlalchemy import or_

from app.confidentiality.public import streets_open_to
from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.permissions import Role
from app.core.region_codes import in_subtree
from app.referrals.models import Referral


async def open_streets(session: ReadSession, actor: Actor) -> list[str] | None:
    """The streets a social worker's lists are limited to (403
    `confidentiality_agreement_required` when none); None for every other role."""
    if actor.principal.role is not Role.social_worker:
        return None
    return await streets_open_to(session, actor.principal, actor.today)


def in_streets(streets: list[str]) -> Any:
    """SQL condition: the referral's household is in one of `streets`."""
    return or_(*(in_subtree(Referral.region_code, street) for street in streets))
