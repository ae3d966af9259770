"""Partner inbound referrals (issue 16 item 3; DOMAIN 7): a partner system pushes a need of
a household into the one window's loop, as its organisation's sending side.

Which households: only those its organisation already knows through a referral addressed to
it or pushed in by it (any status). Any other household id, whether it exists or not, is the
same 422 `not_found` at `household_id`, so the route is no lookup of who is in the ledger;
an exited household it knows is 409 `household_exited`. The referral answers the household's
live need instance of the code, or a new one noted from the push (need source
`partner_referral`, recorded in the household's history like any other need). Its receiver is
the one given, else the one window: the default `street_assistance_station` of the
household's region path; never the partner's own organisation. Idempotency-Key is required
(the route's policy): a retried push, racing or not, answers the first push.
"""

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.auth import Actor
from app.core.db import WriteSession
from app.core.errors import ValidationFailed
from app.core.field_messages import object_named
from app.dictionaries.public import unknown_codes
from app.households import public as households
from app.organizations.public import organizations_serving
from app.referrals import repository, service
from app.referrals.errors import ReferralAlreadyOpen
from app.referrals.models import Referral
from app.referrals.routing import repository as routing_repository
from app.referrals.routing import service as routing
from app.referrals.schemas import Note

PARTNER = "partner"
"""The referral's source: pushed in by a partner system."""
NEED_SOURCE = "partner_referral"
"""The need source of a need instance noted by a partner's push."""
ONE_WINDOW = "street_assistance_station"
"""The organisation kind a push goes to when it names no receiver (一门受理)."""

NeedCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class PartnerReferralIn(BaseModel):
    """A need of a household your organisation knows through a referral, pushed in."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e42",
                    "need_code": "basic_living",
                    "receiver_organization_id": None,
                    "note": "大病救助后仍有基本生活困难，请街道救助服务所核查。",
                }
            ]
        },
    )

    household_id: uuid.UUID = Field(
        description="A household your organisation knows through a referral addressed to it "
        "or pushed in by it (any status); any other id is 422 `not_found`."
    )
    need_code: NeedCode = Field(
        description="A code of dictionary `need`: the household's live need of this code is "
        "referred, or a new one is noted (need source `partner_referral`)."
    )
    receiver_organization_id: uuid.UUID | None = Field(
        default=None,
        description="The organisation that receives it; not your own. Omitted or null: the "
        "one window, the default `street_assistance_station` of the household's region.",
    )
    note: Note | None = Field(default=None, description="What the receiver should know.")


def _unknown_household() -> ValidationFailed:
    return ValidationFailed.in_body(
        "household_id", "not_found", **object_named("家庭", "household")
    )


async def _receiver(
    session: WriteSession,
    organization: uuid.UUID,
    household: households.HouseholdRef,
    wanted: uuid.UUID | None,
) -> tuple[uuid.UUID, str]:
    """The receiving organisation and its kind: the one named, or the one window's."""
    field = "receiver_organization_id"
    if wanted is None:
        found = await routing_repository.defaults_on_path(
            session, [ONE_WINDOW], household.region_code
        )
        if ONE_WINDOW not in found:
            raise ValidationFailed.in_body(field, "no_default_receiver", kind=ONE_WINDOW)
        receiver, kind = found[ONE_WINDOW], ONE_WINDOW
    else:
        receiver, kind = wanted, await routing.check_receiver(session, wanted, field)
        # A partner names the receiver: only one serving the household, so it cannot hand the
        # household's data (and the reach an open referral gives) to any organisation at all.
        if receiver not in await organizations_serving(session, kind, household.region_code):
            raise ValidationFailed.in_body(field, "receiver_not_serving")
    if receiver == organization:
        raise ValidationFailed.in_body(field, "own_organization")
    return receiver, kind


async def _need(
    session: WriteSession, actor: Actor, household: households.HouseholdRef, code: str
) -> households.NeedInstance:
    """The household's live instance of the need (the oldest), else a new one."""
    live = [
        n
        for n in await households.need_instances(session, household.id)
        if n.code == code and n.status in households.LIVE_NEEDS
    ]
    if live:
        return live[0]
    [noted] = await households.note_needs(
        session, actor, household, [code], source=NEED_SOURCE, source_id=None, noted_on=actor.today
    )
    return noted


async def push(session: WriteSession, actor: Actor, data: PartnerReferralIn) -> Referral:
    """Push a referral in for the actor's organisation (see the module), in one transaction."""
    organization = actor.principal.organization_id
    if organization is None or not await repository.known_to(
        session, organization, data.household_id
    ):
        raise _unknown_household()
    household = await households.writable_for_organization(session, data.household_id)
    if household is None:
        raise _unknown_household()
    households.require_active(household)
    if await unknown_codes(session, "need", [data.need_code]):
        raise ValidationFailed.in_body("need_code", "unknown_code")
    receiver, kind = await _receiver(
        session, organization, household, data.receiver_organization_id
    )
    # Checked with the household locked (`writable_for_organization`), so two pushes under
    # different keys cannot both pass: a retry with a new key, or two partners, make no twin.
    if (data.need_code, receiver) in await repository.open_need_receivers(session, household.id):
        raise ReferralAlreadyOpen()
    need = await _need(session, actor, household, data.need_code)
    return await service.create(
        session,
        actor,
        household,
        need,
        receiver,
        await service.due_days(session, actor, data.need_code, kind),
        source=PARTNER,
        sent_on=actor.today,
        note=data.note,
        sender_organization=organization,
    )
