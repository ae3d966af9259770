"""Who is the sending side of a referral (DOMAIN 7: "cancelled by the sender"): the user who
sent it, or region staff whose scope covers the region it was sent from
(`sender_region_code`: the sender's office, or above it, e.g. the district). Anyone else
who sees the referral, another street's officer, a social worker who did not send it,
reads it but does not act for its sender."""

from app.core.auth import Actor, Forbidden
from app.core.permissions import REGION_ROLES
from app.core.region_codes import is_within
from app.referrals.models import Referral


def is_sending_side(actor: Actor, referral: Referral) -> bool:
    """Whether the actor sent the referral or stands above the office it was sent from."""
    principal = actor.principal
    if principal.is_client:
        return False
    if referral.sent_by == principal.id:
        return True
    return (
        principal.role in REGION_ROLES
        and principal.scope_region is not None
        and referral.sender_region_code is not None
        and is_within(referral.sender_region_code, principal.scope_region)
    )


def check_sending_side(actor: Actor, referral: Referral, action: str) -> None:
    """403 (a refusal) unless the actor is the referral's sending side; the caller found the
    referral in the actor's reach, so a 403 reveals nothing the actor could not read."""
    if not is_sending_side(actor, referral):
        raise Forbidden().refusing(
            action=f"referral.{action}", object_type="referral", object_id=str(referral.id)
        )
