"""The Red Cross major-illness aid as pure functions (Yubei 3(3)1(3)).

区红十字会利用重大疾病医疗救助基金，对符合救助条件的人员，患规定病种在定点医疗机构住院治疗或门诊
放化疗、透析、输血治疗的医疗费用经医保报销和医疗救助后，医保政策报销范围内的自付费用，给予一定救助。

Amounts are `Decimal` yuan with two places; nothing here uses floats. The covered amount is
the self-paid part within the policy's scope times the rate, rounded to the fen half up
(ROUND_HALF_UP: 0.005 yuan becomes 0.01), and never more than what the yearly cap leaves
after the aid already received that calendar year.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


class TreatmentType(StrEnum):
    """How the disease was treated (dictionary `red_cross_treatment_type`)."""

    inpatient = "inpatient"
    outpatient_chemotherapy = "outpatient_chemotherapy"
    outpatient_radiotherapy = "outpatient_radiotherapy"
    outpatient_dialysis = "outpatient_dialysis"
    outpatient_transfusion = "outpatient_transfusion"
    outpatient_other = "outpatient_other"
    """Any other outpatient treatment: accepted so that the quote can say it is not covered."""


COVERED_TREATMENTS = frozenset(TreatmentType) - {TreatmentType.outpatient_other}
"""住院治疗或门诊放化疗、透析、输血治疗."""


class Reason(StrEnum):
    """Why a quote covers nothing (dictionary `red_cross_aid_reason`), in the order listed."""

    disease_not_prescribed = "disease_not_prescribed"
    institution_not_designated = "institution_not_designated"
    treatment_not_covered = "treatment_not_covered"
    no_terms_in_force = "no_terms_in_force"
    nothing_self_paid = "nothing_self_paid"
    cap_reached = "cap_reached"


@dataclass(frozen=True, slots=True)
class Terms:
    """The figures of the terms in force: percent covered (0 to 100) and the yearly cap."""

    rate_percent: Decimal
    yearly_cap: Decimal


@dataclass(frozen=True, slots=True)
class Treatment:
    """What a quote is asked about: the facts the conditions read, and the amounts."""

    disease_prescribed: bool
    institution_designated: bool
    treatment_type: TreatmentType
    in_scope_amount: Decimal
    insurance_reimbursement: Decimal
    medical_assistance: Decimal


@dataclass(frozen=True, slots=True)
class Step:
    """One figure of the calculation: what it is, its formula, the formula with the
    figures put in, and the result."""

    key: str
    label_zh: str
    label_en: str
    formula: str
    calculation: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Outcome:
    self_paid: Decimal
    covered: Decimal
    reasons: tuple[Reason, ...]
    steps: tuple[Step, ...]

    @property
    def eligible(self) -> bool:
        return not self.reasons


def self_paid(in_scope: Decimal, reimbursement: Decimal, assistance: Decimal) -> Decimal:
    """医保政策报销范围内的自付费用: the in-scope amount less the insurance reimbursement and
    the medical assistance, never below 0."""
    return max(ZERO, in_scope - reimbursement - assistance).quantize(CENT)


def rate_share(amount: Decimal, rate_percent: Decimal) -> Decimal:
    """`amount` x rate, rounded to the fen half up."""
    return (amount * rate_percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def room_under_cap(yearly_cap: Decimal, already_received: Decimal) -> Decimal:
    """What the yearly cap leaves after the aid already received this year, never below 0."""
    return max(ZERO, yearly_cap - already_received).quantize(CENT)


def conditions(treatment: Treatment) -> list[Reason]:
    """The conditions of Yubei 3(3)1(3) the treatment fails: 规定病种, 定点医疗机构, and
    住院 or 门诊放化疗、透析、输血."""
    reasons = []
    if not treatment.disease_prescribed:
        reasons.append(Reason.disease_not_prescribed)
    if not treatment.institution_designated:
        reasons.append(Reason.institution_not_designated)
    if treatment.treatment_type not in COVERED_TREATMENTS:
        reasons.append(Reason.treatment_not_covered)
    return reasons


def quote(treatment: Treatment, terms: Terms | None, already_received: Decimal) -> Outcome:
    """The quote of one treatment: the self-paid part, and what the aid covers of it under
    `terms` (those in force on the treatment day; None: there are none) given what the
    household already received this year. Every reason that applies is given; a quote
    with any reason covers 0.00. A rate of 0 covers 0.00 without a reason: the terms say so.
    """
    reasons = conditions(treatment)
    paid = self_paid(
        treatment.in_scope_amount,
        treatment.insurance_reimbursement,
        treatment.medical_assistance,
    )
    steps = [
        Step(
            "self_paid",
            "政策范围内自付费用",
            "Self-paid within the policy's scope",
            "max(0, in_scope_amount - insurance_reimbursement - medical_assistance)",
            f"max(0, {treatment.in_scope_amount:.2f} - {treatment.insurance_reimbursement:.2f}"
            f" - {treatment.medical_assistance:.2f}) = {paid:.2f}",
            paid,
        )
    ]
    if terms is None:
        reasons.append(Reason.no_terms_in_force)
    if paid == ZERO:
        reasons.append(Reason.nothing_self_paid)
    if terms is None:
        return _outcome(paid, reasons, steps)
    share = rate_share(paid, terms.rate_percent)
    room = room_under_cap(terms.yearly_cap, already_received)
    if room == ZERO:
        reasons.append(Reason.cap_reached)
    steps += [
        Step(
            "rate_share",
            "按比例救助额",
            "Share at the rate",
            "self_paid x rate_percent / 100, rounded to the fen half up",
            f"{paid:.2f} x {terms.rate_percent:.2f} / 100 = {share:.2f}",
            share,
        ),
        Step(
            "room_under_cap",
            "年度剩余救助额度",
            "Left under the yearly cap",
            "max(0, yearly_cap - already_received)",
            f"max(0, {terms.yearly_cap:.2f} - {already_received:.2f}) = {room:.2f}",
            room,
        ),
    ]
    return _outcome(paid, reasons, steps, min(share, room))


def _outcome(
    paid: Decimal, reasons: list[Reason], steps: list[Step], computed: Decimal = ZERO
) -> Outcome:
    amount = ZERO if reasons else computed
    calculation = (
        f"not eligible ({', '.join(reasons)}) = 0.00"
        if reasons
        else f"min({steps[1].amount:.2f}, {steps[2].amount:.2f}) = {amount:.2f}"
    )
    steps.append(
        Step(
            "covered",
            "救助金额",
            "Covered",
            "min(rate_share, room_under_cap); 0 when not eligible",
            calculation,
            amount,
        )
    )
    return Outcome(paid, amount, tuple(reasons), tuple(steps))
