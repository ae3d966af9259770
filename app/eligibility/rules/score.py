"""The priority score (DOMAIN 5, "Scoring"): 0 to 100 for eligible households only, from
transparent factors weighted by the policy; it orders households, it never decides.

Each factor is a fraction in [0, 1] computed exactly (a `Ratio` of integers, from exact
Decimal sums and products), times its weight in points (`PolicyTerms.weights`, adding up
to 100). Each contribution is rounded half up to
two places and the total is the sum of the rounded contributions, so the contributions
shown add up to the total exactly and the total stays within 0..100. As with the rules,
the points are computed with the score and each factor's figures when first read.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.eligibility.rules.calendar import WINDOW_MONTHS, completed_years
from app.eligibility.rules.exact import EXACT, product, text
from app.eligibility.rules.inputs import HouseholdInputs, Member
from app.eligibility.rules.results import ELIGIBLE, Decision, Figures, Outcome
from app.eligibility.terms import Factor, PolicyTerms

TOTAL_POINTS = 100
ELDERLY_AGE = 60
"""老年人权益保障法 第二条: 老年人是指六十周岁以上的公民."""
ADULT_AGE = 18
"""未成年人保护法 第二条: 未成年人是指未满十八周岁的公民."""
NON_EARNING = frozenset({"unemployed", "student", "preschool", "unable_to_work"})
"""Dictionary `employment_status` codes of members without earnings of their own."""
_PLACES = 2
_FRACTION_PLACES = 4

Ratio = tuple[int, int]
"""An exact fraction as (numerator, denominator), the denominator positive, not reduced:
integer arithmetic, no `Fraction` normalising each step."""
FactorValue = tuple[Ratio, Callable[[], Figures]]
"""A factor's fraction before clamping to [0, 1], and how to write the figures it came from."""


class Contribution:
    """One factor: its figures, its fraction (shown to 4 places; the points use it exactly),
    its weight and the points it adds (2 places, half up). The points are computed at once
    (the total needs them), the figures and the fraction shown when first read."""

    __slots__ = ("_describe", "_figures", "_share", "factor", "points", "weight")

    def __init__(
        self, factor: Factor, weight: int, share: Ratio, describe: Callable[[], Figures]
    ) -> None:
        self.factor = factor
        self.weight = weight
        self.points = _half_up((share[0] * weight, share[1]), _PLACES)
        self._share = share
        self._describe = describe
        self._figures: Figures | None = None

    @property
    def figures(self) -> Figures:
        if self._figures is None:
            self._figures = self._describe()
        return self._figures

    @property
    def fraction(self) -> Decimal:
        return _half_up(self._share, _FRACTION_PLACES)

    def _key(self) -> tuple[Factor, Figures, Decimal, int, Decimal]:
        return (self.factor, self.figures, self.fraction, self.weight, self.points)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Contribution) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Contribution{self._key()!r}"


@dataclass(frozen=True, slots=True)
class Score:
    """The priority of an eligible household; `income_total` and `member_count` feed the
    tie-break of `priority_key`."""

    total: Decimal
    contributions: tuple[Contribution, ...]
    income_total: Decimal
    member_count: int


def score(inputs: HouseholdInputs, terms: PolicyTerms, decision: Decision) -> Score | None:
    """The score of `decision`'s household, None unless it is income or expenditure type.
    `decision` is `assess(inputs, terms)`: its I, R and n are those of `inputs`.

    Raises ValueError when the policy's weights are negative or do not add up to 100."""
    _check_weights(terms)
    if decision.outcome not in ELIGIBLE:
        return None
    assert decision.income_total is not None
    contributions = tuple(
        _contribution(
            factor, terms.weights.get(factor, 0), *_FACTORS[factor](inputs, terms, decision)
        )
        for factor in Factor
    )
    return Score(
        total=sum((c.points for c in contributions), Decimal("0.00")),
        contributions=contributions,
        income_total=decision.income_total,
        member_count=len(inputs.members),
    )


PriorityKey = tuple[Decimal, int, str]
MICRO = 1_000_000


def per_capita_micro(income: Decimal, member_count: int) -> int:
    """Per-capita monthly income I/(12n) in millionths of a yuan, rounded down: an integer
    the database orders exactly as Python does (`Assessment.per_capita_micro`). Rounding
    down keeps the order of any two households whose figures differ by a millionth of a
    yuan or more; closer ones fall to the id."""
    return int(Fraction(income) * MICRO // (WINDOW_MONTHS * member_count))


def priority_key(result: Score, household_id: uuid.UUID | str) -> PriorityKey:
    """Sorting ascending by this key orders households for help: the higher score first,
    then the lower per-capita income (`per_capita_micro`), then the household id."""
    per_capita = per_capita_micro(result.income_total, result.member_count)
    return (-result.total, per_capita, str(household_id))


def _check_weights(terms: PolicyTerms) -> None:
    weights = terms.weights
    if any(w < 0 for w in weights.values()) or sum(weights.values()) != TOTAL_POINTS:
        raise ValueError("the scoring weights must be non-negative and add up to 100")


def _contribution(
    factor: Factor, weight: int, fraction: Ratio, describe: Callable[[], Figures]
) -> Contribution:
    numerator, denominator = fraction
    share = _NONE if numerator <= 0 else _ALL if numerator >= denominator else fraction
    return Contribution(factor, weight, share, describe)


_NONE: Ratio = (0, 1)
_ALL: Ratio = (1, 1)


def _ratio(dividend: Decimal, divisor: Decimal) -> Ratio:
    """dividend / divisor (divisor not 0) exactly, as integers."""
    top, top_scale = dividend.as_integer_ratio()
    bottom, bottom_scale = divisor.as_integer_ratio()
    numerator, denominator = top * bottom_scale, top_scale * bottom
    return (-numerator, -denominator) if denominator < 0 else (numerator, denominator)


def _half_up(value: Ratio, places: int) -> Decimal:
    """`value` (not negative) rounded half up to `places` decimal places, exactly: the
    integer floor(value·10^places + 1/2), then scaled back (its exponent is -places)."""
    numerator, denominator = value
    units = (2 * numerator * 10**places + denominator) // (2 * denominator)
    return Decimal(units).scaleb(-places)


def _totals(decision: Decision) -> tuple[Decimal, Decimal]:
    """I and R of an eligible decision (the rules got that far)."""
    assert decision.income_total is not None
    assert decision.rigid_total is not None
    return decision.income_total, decision.rigid_total


def income_gap(inputs: HouseholdInputs, terms: PolicyTerms, decision: Decision) -> FactorValue:
    """(U − I/(12n)) / (U − L·floor) with U = ceiling·L of the household's type (2L income
    type, 5L expenditure type): 1 at the floor, 0 at the type's ceiling; computed as
    (U·12n − I) / ((U − floor·L)·12n). Equal floor and ceiling give 1."""
    ceiling = (
        terms.income_ceiling
        if decision.outcome == Outcome.income_poverty
        else terms.expenditure_ceiling
    )
    months = WINDOW_MONTHS * len(inputs.members)
    income, _ = _totals(decision)
    upper = product(ceiling, terms.dibao_standard, months)
    lower = product(terms.income_floor, terms.dibao_standard, months)
    fraction = (
        _ALL
        if upper == lower
        else _ratio(EXACT.subtract(upper, income), EXACT.subtract(upper, lower))
    )
    return fraction, lambda: (
        ("income_total", text(income)),
        ("type_ceiling_total", text(upper)),
        ("floor_total", text(lower)),
    )


def expenditure_ratio(
    _inputs: HouseholdInputs, _terms: PolicyTerms, decision: Decision
) -> FactorValue:
    """R / (R + I): the share of rigid expenditure in income plus rigid expenditure; 0 with
    neither. 0.6 is where R = 1.5·I, so the expenditure type scores 0.6 or more."""
    income, rigid = _totals(decision)
    both = EXACT.add(rigid, income)
    fraction = _ratio(rigid, both) if both > 0 else _NONE
    return fraction, lambda: (("rigid_total", text(rigid)), ("income_total", text(income)))


def _age(member: Member, inputs: HouseholdInputs) -> int:
    return completed_years(member.birth_date, inputs.reference_date)


def _is_elderly(member: Member, inputs: HouseholdInputs) -> bool:
    return _age(member, inputs) >= ELDERLY_AGE


def _is_child(member: Member, inputs: HouseholdInputs) -> bool:
    return _age(member, inputs) < ADULT_AGE


def _is_dependant(member: Member, inputs: HouseholdInputs) -> bool:
    return (
        _is_elderly(member, inputs) or _is_child(member, inputs) or member.employment in NON_EARNING
    )


def _is_disabled(member: Member, _: HouseholdInputs) -> bool:
    return member.disability_grade is not None or member.health == "disabled"


def _share_of_members(
    inputs: HouseholdInputs, name: str, test: Callable[[Member, HouseholdInputs], bool]
) -> FactorValue:
    count = sum(1 for m in inputs.members if test(m, inputs))
    n = len(inputs.members)
    return (count, n), lambda: ((name, str(count)), ("member_count", str(n)))


def dependants(inputs: HouseholdInputs, _terms: PolicyTerms, _d: Decision) -> FactorValue:
    """Members under 18, 60 or over, or without work of their own (unemployed, student,
    preschool, unable to work), per member."""
    return _share_of_members(inputs, "dependants", _is_dependant)


def elderly(inputs: HouseholdInputs, _terms: PolicyTerms, _d: Decision) -> FactorValue:
    """Members aged 60 or over on D (周岁, `completed_years`), per member."""
    return _share_of_members(inputs, "elderly", _is_elderly)


def children(inputs: HouseholdInputs, _terms: PolicyTerms, _d: Decision) -> FactorValue:
    """Members under 18 on D, per member."""
    return _share_of_members(inputs, "children", _is_child)


def disability(inputs: HouseholdInputs, _terms: PolicyTerms, _d: Decision) -> FactorValue:
    """Members with a recorded disability grade or health `disabled`, per member."""
    return _share_of_members(inputs, "disabled", _is_disabled)


def major_illness(inputs: HouseholdInputs, _terms: PolicyTerms, _d: Decision) -> FactorValue:
    """(members with a major illness + half those with a chronic one) / n."""
    major = sum(1 for m in inputs.members if m.health == "major_illness")
    chronic = sum(1 for m in inputs.members if m.health == "chronic_illness")
    n = len(inputs.members)
    return (2 * major + chronic, 2 * n), lambda: (
        ("major_illness", str(major)),
        ("chronic_illness", str(chronic)),
        ("member_count", str(n)),
    )


_FACTORS: dict[Factor, Callable[[HouseholdInputs, PolicyTerms, Decision], FactorValue]] = {
    Factor.income_gap: income_gap,
    Factor.expenditure_ratio: expenditure_ratio,
    Factor.dependants: dependants,
    Factor.elderly: elderly,
    Factor.children: children,
    Factor.disability: disability,
    Factor.major_illness: major_illness,
}
