"""Completing a referral (办结) closes the loop in the household's ledger (DOMAIN 4, 7):
what the receiving organisation gave is recorded as its measure (帮扶措施), answering the
referral's need, so that statistics and yearly caps (the Red Cross aid, Yubei 3(3)1(3))
count it.

The receiver says what it gave (`measure`, a `measure` code) and, for money, how much. A
receiver that sends only the money, as completions did before measures were recorded,
gets the money measure its kind gives (`MONEY_BY_KIND`); a completion with neither records
no measure (advice, a referral on)."""

from datetime import date

from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession
from app.core.errors import ValidationFailed
from app.dictionaries.public import unknown_codes
from app.households import public as households
from app.organizations.public import organization_kind
from app.referrals.models import Referral
from app.referrals.schemas import ReferralActionIn

MONEY_BY_KIND = {
    "civil_affairs_bureau": "temporary_assistance_cash",
    "assistance_guidance_center": "temporary_assistance_cash",
    "street_assistance_station": "temporary_assistance_cash",
    "street_office": "temporary_assistance_cash",
    "medical_security": "medical_assistance_cash",
    "education": "education_grant",
    "red_cross": "red_cross_major_illness_aid",
    "charity_federation": "charity_cash",
    "foundation": "charity_cash",
    "enterprise_institution": "charity_cash",
    "social_service_organization": "charity_cash",
    "social_work_agency": "charity_cash",
    "deputies": "charity_cash",
}
"""The money measure an organisation of each kind gives when a completion names none: the
assistance money of civil affairs (临时救助), medical security (医疗救助) and education
(教育资助), the Red Cross's major-illness aid, and charity money from the social forces
(Yubei 3(3)2). Other kinds give no money of their own: they name the measure."""


async def measure_of(
    session: ReadSession, referral: Referral, data: ReferralActionIn, today: date
) -> str | None:
    """The measure a completion records, checked: the one named (a `measure` code), else the
    money measure of the receiver's kind when an amount is given, else none. The amount must
    suit the measure (money measures need one above 0.00, others none); the day given is
    neither after today nor before the referral was sent."""
    measure = data.measure
    if measure is None and data.amount is not None:
        kind = await organization_kind(session, referral.receiver_organization_id)
        measure = MONEY_BY_KIND.get(kind or "")
        if measure is None:
            raise ValidationFailed.in_body("measure", "required_for_kind", kind=kind or "?")
    if measure is None:
        if data.given_on is not None:
            raise ValidationFailed.in_body("given_on", "not_allowed")
        return None
    if await unknown_codes(session, "measure", [measure]):
        raise ValidationFailed.in_body("measure", "unknown_code")
    households.check_measure_amount(measure, data.amount)
    if data.given_on is not None:
        if data.given_on > today:
            raise ValidationFailed.in_body("given_on", "date_in_future")
        if data.given_on < referral.sent_on:
            raise ValidationFailed.in_body(
                "given_on", "too_early", earliest=referral.sent_on.isoformat()
            )
    return measure


async def record(
    session: WriteSession,
    actor: Actor,
    referral: Referral,
    data: ReferralActionIn,
    measure: str | None,
) -> None:
    """Keep the completion on the referral and record its measure in the household's ledger:
    the receiver's, given on the day said (else today), with the outcome as its note and the
    referral's need as the need it answers."""
    referral.outcome, referral.measure, referral.amount = data.outcome, measure, data.amount
    if measure is None:
        return
    assert data.outcome is not None
    given = households.MeasureIn(
        code=measure,
        given_on=data.given_on or actor.today,
        organization_id=referral.receiver_organization_id,
        amount=data.amount,
        note=data.outcome,
    )
    referral.measure_id = await households.record_measure_for_organization(
        session, actor, referral.household_id, given, need_id=referral.need_id
    )
