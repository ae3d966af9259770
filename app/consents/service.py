"""Consents (PIPL art. 23; DOMAIN 7): recorded by the staff who meet the household, read in
reach, withdrawn once; never changed otherwise.

Recording one checks, under the household's lock (so it does not move meanwhile and the
row's region is its region): the day given is not in the future and the end day, when
given, not before it; the receiver exists and is
not a government department (`organizations.public.requires_consent`); the person is a member
of the household on the day given; a guardian is named with the relation exactly when the
guardian consented (`by_guardian`); the signed form, when given, is a `consent_form` of the
household's file. Each change is audited and published as a thin domain event, so the
referrals domain can react (share once consent is on record, stop when it is withdrawn).
"""

import uuid

from app.consents import repository
from app.consents.errors import ConsentWithdrawn
from app.consents.models import HouseholdConsent
from app.consents.schemas import ConsentIn, WithdrawalIn
from app.core import audit, events
from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, new_id, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import object_named
from app.core.pagination import PageRequest
from app.households import public as households
from app.organizations.public import organization_kind, requires_consent

OBJECT = "consent"
RECORDED = "consent.recorded"
WITHDRAWN = "consent.withdrawn"
"""Domain events; payload `{consent_id, household_id, organization_id, region_code}`."""
CONSENT_FORM = "consent_form"
"""The kind of document (dictionary `document_kind`) a signed consent form is filed as."""
GUARDIAN = "by_guardian"


async def _check(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, data: ConsentIn
) -> None:
    if data.given_on > actor.today:
        raise ValidationFailed.in_body("given_on", "date_in_future")
    if data.valid_until is not None and data.valid_until < data.given_on:
        raise ValidationFailed.in_body("valid_until", "before_given")
    kind = await organization_kind(session, data.organization_id)
    if kind is None:
        raise ValidationFailed.in_body(
            "organization_id", "not_found", **object_named("机构", "organization")
        )
    if not requires_consent(kind):
        raise ValidationFailed.in_body("organization_id", "consent_not_needed")
    members = await households.members_on(session, household_id, data.given_on)
    if data.person_id not in members:
        raise ValidationFailed.in_body("person_id", "not_a_member")
    for name in ("proxy_name", "proxy_relation"):
        given = getattr(data, name) is not None
        if data.method == GUARDIAN and not given:
            raise ValidationFailed.in_body(name, "missing")
        if data.method != GUARDIAN and given:
            raise ValidationFailed.in_body(name, "guardian_only")
    if data.document_id is not None and not await households.has_document(
        session, household_id, data.document_id, CONSENT_FORM
    ):
        raise ValidationFailed.in_body("document_id", "not_on_file")


async def record(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, data: ConsentIn
) -> HouseholdConsent:
    """Record the household's consent to share with one organisation (see the module)."""
    household = await households.writable(session, actor, household_id)
    await _check(session, actor, household.id, data)
    consent = HouseholdConsent(
        id=new_id(),
        household_id=household.id,
        region_code=household.region_code,
        district_code=household.district_code,
        recorded_by=actor.principal.caller_id,
        **data.model_dump(),
    )
    session.add(consent)
    await session.flush()
    await _audited(session, actor, consent, "record", sorted(data.model_fields_set))
    events.publish(session, RECORDED, _payload(consent))
    return consent


async def _visible(session: ReadSession, actor: Actor, consent_id: uuid.UUID) -> HouseholdConsent:
    """The consent if its household is in the actor's reach and the actor may read its
    personal data (the social-worker confidentiality gate); 404 otherwise."""
    found = await repository.get_visible(session, actor.reach, consent_id)
    if found is None:
        error = NotFound("同意记录", "consent")
        if await repository.exists_anywhere(session, consent_id):
            raise error.refusing(
                action="consent.read", object_type=OBJECT, object_id=str(consent_id)
            )
        raise error
    await households.personal(session, actor, found.household_id)
    return found


async def detail(session: ReadSession, actor: Actor, consent_id: uuid.UUID) -> HouseholdConsent:
    return await _visible(session, actor, consent_id)


async def of_household(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdConsent], str | None]:
    """The household's consents, newest first, if the actor may read its personal data."""
    household = await households.personal(session, actor, household_id)
    return await repository.page_of_household(session, household.id, page)


async def withdraw(
    session: WriteSession,
    actor: Actor,
    consent_id: uuid.UUID,
    data: WithdrawalIn,
    expected_version: int,
) -> HouseholdConsent:
    """Record that the household withdrew the consent (PIPL art. 15): not in force from the
    day withdrawn on. Once only (409 `consent_withdrawn`), whatever the version sent."""
    found = await _visible(session, actor, consent_id)
    # The household first, then the consent: the order `record` takes them in.
    await households.writable(session, actor, found.household_id)
    await session.refresh(found, with_for_update=True)
    if found.withdrawn_on is not None:
        raise ConsentWithdrawn()
    check_version(expected_version, found.version)
    day = data.withdrawn_on or actor.today
    if day > actor.today:
        raise ValidationFailed.in_body("withdrawn_on", "date_in_future")
    if day < found.given_on:
        raise ValidationFailed.in_body("withdrawn_on", "before_given")
    found.withdrawn_on, found.withdrawn_by = day, actor.principal.caller_id
    found.withdrawn_at, found.withdrawal_reason = utcnow(), data.reason
    found.version += 1
    await session.flush()
    changed = ["withdrawal_reason", "withdrawn_at", "withdrawn_by", "withdrawn_on"]
    await _audited(session, actor, found, "withdraw", changed)
    events.publish(session, WITHDRAWN, _payload(found))
    return found


def _payload(consent: HouseholdConsent) -> dict[str, str]:
    return {
        "consent_id": str(consent.id),
        "household_id": str(consent.household_id),
        "organization_id": str(consent.organization_id),
        "region_code": consent.region_code,
    }


async def _audited(
    session: WriteSession, actor: Actor, consent: HouseholdConsent, step: str, changed: list[str]
) -> None:
    await audit.record(
        session,
        actor.context,
        f"consent.{step}",
        object_type=OBJECT,
        object_id=str(consent.id),
        region_code=consent.region_code,
        changed_fields=changed,
    )


async def any_recorded(session: ReadSession) -> bool:
    """Whether any consent is on record (the demo seeds only into an empty table)."""
    return await repository.any_recorded(session)
