"""What other domains may use of referrals (DOMAIN 7).

- The domain events a referral publishes (`REFERRAL_CREATED`, `REFERRAL_STATUS_CHANGED`),
  with the payload `{"referral_id", "household_id", "status", "version", "region_code",
  "organizations"}` (string ids; `organizations`: the receiver, and a partner that pushed
  it in): webhooks deliver them to those organisations.
- The push on acceptance (推送): `push_application_needs`, in the acceptance's transaction.
- An application's referrals as its one-place view lists them: `application_referrals`.
- A region's referrals open at the end of a day: `open_referrals_in_region_on`.
- The routing table, as its administrators' routes keep it (the demo seeds it):
  `ensure_route`, `set_default_receiver`.
"""

import uuid
from datetime import date

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession
from app.households.public import HouseholdRef
from app.referrals import repository, service, views
from app.referrals.routing.schemas import DefaultIn, RouteIn
from app.referrals.routing.service import ensure_route
from app.referrals.routing.service import set_default as set_default_receiver
from app.referrals.schemas import ReferralBrief

REFERRAL_CREATED = service.CREATED
REFERRAL_STATUS_CHANGED = service.STATUS_CHANGED

open_referrals_in_region_on = repository.open_in_region_on
"""(household id, need code, receiver organisation id) of a region's referrals open at the
end of a day (the charity federation's monthly report; the caller checked the region)."""


async def push_application_needs(
    session: WriteSession,
    actor: Actor,
    household: HouseholdRef,
    application_id: uuid.UUID,
    sent_on: date,
) -> int:
    """Refer the live needs an accepted application noted to the organisations the routing
    table names for them (see `service.push`); how many referrals were created."""
    return len(await service.push(session, actor, household, application_id, sent_on))


async def application_referrals(
    session: ReadSession, application_id: uuid.UUID, today: date
) -> list[ReferralBrief]:
    """The referrals pushed for an application, oldest first; the caller has fetched the
    application within its reach."""
    return await views.briefs(session, await service.of_application(session, application_id), today)


__all__ = [
    "REFERRAL_CREATED",
    "REFERRAL_STATUS_CHANGED",
    "DefaultIn",
    "ReferralBrief",
    "RouteIn",
    "application_referrals",
    "ensure_route",
    "open_referrals_in_region_on",
    "push_application_needs",
    "set_default_receiver",
]
