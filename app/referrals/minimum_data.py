"""The minimum household data a referral carries to its receiver (DOMAIN 7, 12; PIPL art. 6
minimum necessity, art. 23 consent): a list of items per organisation kind, masked per the
masking policy for the reader's role.

**What each kind gets, and why.** An organisation gets what it needs to contact the
household and to do what the referral asks of it, never the whole record:
- the health side (medical security, health, the Red Cross, designated hospitals): the
  head's name, phone and address to reach the household, and the members' health and
  disability facts, on which medical assistance and the major-illness aid turn;
- education: the head's name and phone, and the school-age children (6 to 17 full years,
  the minor band of `consents.public.AGE_BANDS`) by name and age with their schooling;
- housing, rural affairs, HR and social security, finance: the head's name, phone and
  address, and the members' relations, sexes and ages (size and make-up decide housing aid
  and employment help);
- the civil-affairs system and street offices (who keep the ledger) and social-work
  agencies and social service organisations (who do the casework): contact, composition and
  health facts, the casework's whole ground;
- the charity federation, foundations, enterprises, deputies, residents' committees: the
  head's name, phone and address, to reach the household;
- a kind not named here: the head's name and phone only (the safe side).

**Consent.** A government department gets its whole list (statutory duty,
`organizations.kinds`). Any other receiver gets an item only while the household's consent
to it is in force on the day read and its scope covers every kind of data the item shows
(`SCOPES`; `consents.public.sharing_allowed`); else the item is withheld and the receiver
has the de-identified form only: the street, the need, the head's age band.

**Readers.** The receiver and the staff who reach the household (they see what was shared)
read the same block, masked for their own role. A read that shows any personal item is
audited as a read of the household (`referral.household_data.read`).
"""

from app.consents.public import age_band, requires_consent, sharing_allowed
from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.masking import PersonalField, shown
from app.households.public import HouseholdForSharing, audit_read, household_for_sharing
from app.organizations.public import organization_kind
from app.referrals.minimum_schemas import (
    ChildShared,
    HealthShared,
    HouseholdDataOut,
    Item,
    MemberShared,
    SharingBasis,
)
from app.referrals.models import Referral
from app.referrals.repository import ORGANIZATION_ROLES
from app.referrals.states import FINAL, ReferralStatus

It = Item
_CONTACT = (It.head_name, It.contact_phone, It.address)
_HEALTH = (*_CONTACT, It.health_disability)
_COMPOSITION = (*_CONTACT, It.members)
_CASEWORK = (*_CONTACT, It.members, It.health_disability)

MINIMUM: dict[str, tuple[Item, ...]] = {
    "medical_security": _HEALTH,
    "health": _HEALTH,
    "red_cross": _HEALTH,
    "designated_hospital": _HEALTH,
    "education": (It.head_name, It.contact_phone, It.school_age_children),
    "housing": _COMPOSITION,
    "rural_affairs": _COMPOSITION,
    "hr_social_security": _COMPOSITION,
    "finance": _COMPOSITION,
    "civil_affairs_bureau": _CASEWORK,
    "assistance_guidance_center": _CASEWORK,
    "street_assistance_station": _CASEWORK,
    "street_office": _CASEWORK,
    "social_work_agency": _CASEWORK,
    "social_service_organization": _CASEWORK,
    "charity_federation": _CONTACT,
    "foundation": _CONTACT,
    "enterprise_institution": _CONTACT,
    "deputies": _CONTACT,
    "residents_committee": _CONTACT,
}
"""The items each organisation kind (dictionary `organization_kind`) needs (see the module)."""

OTHER_KIND: tuple[Item, ...] = (It.head_name, It.contact_phone)
"""The list of a kind `MINIMUM` does not name."""

SCOPES: dict[Item, frozenset[str]] = {
    It.head_name: frozenset({"identity_contact"}),
    It.contact_phone: frozenset({"identity_contact"}),
    It.address: frozenset({"identity_contact"}),
    It.members: frozenset({"household_composition"}),
    It.health_disability: frozenset({"health_disability"}),
    It.school_age_children: frozenset({"identity_contact", "household_composition"}),
}
"""The kinds of data (dictionary `consent_scope`) a consent must cover for an item to go."""

HEALTHY = "healthy"
"""A health status that is no fact the health side needs."""

SCHOOL_AGES = range(6, 18)
"""Full years of a school-age child: compulsory education from 6, and senior school."""


def listed_for(kind: str | None) -> tuple[Item, ...]:
    """The items an organisation of `kind` needs."""
    return OTHER_KIND if kind is None else MINIMUM.get(kind, OTHER_KIND)


def granted(listed: tuple[Item, ...], scope: frozenset[str] | None) -> tuple[Item, ...]:
    """The listed items a consent of `scope` covers; every one when `scope` is None (a
    government department needs no consent)."""
    return listed if scope is None else tuple(i for i in listed if SCOPES[i] <= scope)


def _block(
    referral: Referral,
    household: HouseholdForSharing,
    actor: Actor,
    basis: SharingBasis,
    listed: tuple[Item, ...],
    given: tuple[Item, ...],
) -> HouseholdDataOut:
    viewer = actor.viewer
    head = household.head
    members = household.members
    return HouseholdDataOut(
        basis=basis,
        consent_id=None,
        listed=list(listed),
        withheld=[i for i in listed if i not in given],
        street_code=referral.region_code[:9],
        need_code=referral.need_code,
        head_age_band=None if head is None else age_band(head.age),
        head_name=shown(head.name, PersonalField.name, viewer)
        if head is not None and It.head_name in given
        else None,
        contact_phone=shown(head.phone, PersonalField.phone, viewer)
        if head is not None and It.contact_phone in given
        else None,
        address=shown(household.address, PersonalField.text, viewer)
        if It.address in given
        else None,
        members=[
            MemberShared(relation_to_head=m.relation_to_head, sex=m.sex, age=m.age) for m in members
        ]
        if It.members in given
        else None,
        health_disability=[
            HealthShared(
                relation_to_head=m.relation_to_head,
                age_band=age_band(m.age),
                health=m.health,
                disability_type=m.disability_type,
                disability_grade=m.disability_grade,
            )
            for m in members
            if m.health not in (None, HEALTHY) or m.disability_type is not None
        ]
        if It.health_disability in given
        else None,
        school_age_children=[
            ChildShared(
                name=str(shown(m.name, PersonalField.name, viewer)),
                age=m.age,
                schooling=m.schooling,
            )
            for m in members
            if m.age in SCHOOL_AGES
        ]
        if It.school_age_children in given
        else None,
    )


def _withheld_from_organization(actor: Actor, referral: Referral) -> SharingBasis | None:
    """Why an organisation reading the referral gets de-identified data only, if it does: it
    is not the receiver (a partner that pushed it in), or the referral is closed. Staff, who
    reach the household anyway, see what the receiver was given."""
    principal = actor.principal
    if principal.role not in ORGANIZATION_ROLES:
        return None
    if principal.organization_id != referral.receiver_organization_id:
        return SharingBasis.not_receiver
    if ReferralStatus(referral.status) in FINAL:
        return SharingBasis.closed
    return None


async def household_data(
    session: ReadSession, actor: Actor, referral: Referral
) -> HouseholdDataOut | None:
    """What the referral carries of its household to its receiver, as `actor` (who sees the
    referral) may read it; None if the household is gone (it never is: referrals restrict
    its deletion)."""
    household = await household_for_sharing(session, referral.household_id, actor.today)
    if household is None:
        return None
    kind = await organization_kind(session, referral.receiver_organization_id)
    listed = listed_for(kind)
    consent = None
    given: tuple[Item, ...] = ()
    withheld = _withheld_from_organization(actor, referral)
    if withheld is not None:
        basis = withheld
    elif requires_consent(kind or ""):
        consent = await sharing_allowed(
            session, referral.household_id, referral.receiver_organization_id, on=actor.today
        )
        basis = SharingBasis.no_consent if consent is None else SharingBasis.consent
        given = granted(listed, frozenset() if consent is None else consent.scope)
    else:
        basis, given = SharingBasis.government, listed
    block = _block(referral, household, actor, basis, listed, given)
    if consent is not None:
        block.consent_id = consent.consent_id
    if given:
        audit_read(session, actor, "referral.household_data.read", household)
    return block
