"""Property tests of the eligibility rules (DOMAIN 5): the decision agrees with a plain
per-capita reading in exact fractions, and no result depends on the order of the inputs."""

import uuid
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from random import Random

from hypothesis import given, settings
from hypothesis import strategies as st

from app.eligibility.rules import (
    ELIGIBLE,
    AssetFacts,
    HouseholdInputs,
    Member,
    Outcome,
    anniversary,
    assess,
    completed_years,
    fingerprint,
    per_capita_micro,
    priority_key,
    score,
    window,
)
from app.eligibility.terms import AssetLimits, Factor, PolicyTerms
from tests.eligibility_inputs import DISTRICT, FEN, WEIGHTS

fen = st.integers(min_value=0, max_value=10**9).map(lambda f: Decimal(f) / 100)
reference_dates = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def members(draw: st.DrawFn, on: date) -> tuple[Member, ...]:
    count = draw(st.integers(min_value=1, max_value=8))
    ids = draw(st.lists(st.uuids(), min_size=count, max_size=count, unique=True))
    return tuple(
        Member(
            person_id=person_id,
            birth_date=draw(st.dates(min_value=date(1920, 1, 1), max_value=on)),
            health=draw(
                st.sampled_from(
                    [None, "healthy", "chronic_illness", "major_illness", "disabled", "other"]
                )
            ),
            disability_grade=draw(
                st.sampled_from([None, "grade_1", "grade_2", "grade_3", "grade_4"])
            ),
            employment=draw(
                st.sampled_from(
                    [
                        None,
                        "employed",
                        "unemployed",
                        "student",
                        "preschool",
                        "retired",
                        "unable_to_work",
                    ]
                )
            ),
        )
        for person_id in ids
    )


assets = st.builds(
    AssetFacts,
    kind=st.sampled_from(["financial_asset", "vehicle", "real_estate", "other"]),
    ownership_share=st.integers(min_value=1, max_value=10000).map(lambda s: Decimal(s) / 100),
    value=fen,
    area_m2=st.integers(min_value=0, max_value=50000).map(lambda a: Decimal(a) / 100),
    vehicle_type=st.sampled_from(["passenger_car", "motorcycle", "disability_vehicle"]),
    count=st.integers(min_value=0, max_value=3),
)

policies = st.builds(
    PolicyTerms,
    dibao_standard=st.integers(min_value=1, max_value=500000).map(lambda f: Decimal(f) / 100),
    income_ceiling=st.sampled_from([Decimal(2), Decimal("2.5")]),
    expenditure_ceiling=st.sampled_from([Decimal(5), Decimal(4)]),
    expenditure_ratio=st.sampled_from([Decimal("1.5"), Decimal("1.2")]),
    residency_years=st.integers(min_value=0, max_value=2),
    asset_limits=st.builds(
        AssetLimits,
        financial_per_capita=st.none() | fen,
        vehicles=st.none() | st.integers(min_value=0, max_value=3),
        real_estate_units=st.none() | st.integers(min_value=0, max_value=3),
        real_estate_area_per_capita=st.none() | st.integers(0, 100).map(Decimal),
    ),
    weights=st.just(WEIGHTS),
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[HouseholdInputs, PolicyTerms]:
    """A household and a policy, with incomes and rigid expenditure often on or one fen
    beside a line of the policy."""
    terms = draw(policies)
    on = draw(reference_dates)
    people = draw(members(on))
    n = len(people)
    multiplier = draw(st.sampled_from(["1", "2", "2.5", "4", "5", "1.5", "0"]))
    near = Decimal(multiplier) * terms.dibao_standard * 12 * n
    income = draw(
        st.one_of(
            st.integers(min_value=-3, max_value=3).map(lambda d: near + Decimal(d) / 100),
            fen,
        )
    )
    months = dict.fromkeys(window(on), Decimal(0))
    months[window(on)[draw(st.integers(0, 11))]] = income
    ratio_line = terms.expenditure_ratio * income
    rigid = draw(
        st.one_of(
            st.integers(min_value=-2, max_value=2).map(lambda d: ratio_line + Decimal(d) / 100),
            st.integers(min_value=0, max_value=200).map(
                lambda p: max(income, Decimal(0)) * p / 100
            ),
        )
    )
    extra = draw(st.sampled_from(["funeral", "education"]))
    kinds = {"medical": max(rigid, Decimal(0)), extra: draw(st.sampled_from([Decimal(0), FEN]))}
    inputs = HouseholdInputs(
        reference_date=on,
        members=people,
        income_by_month=months,
        rigid_by_kind=kinds,
        assets=tuple(draw(st.just([]) | st.lists(assets, max_size=4))),
        hukou_region_code=draw(st.sampled_from([DISTRICT + "001", DISTRICT, "500113001"])),
        district_code=DISTRICT,
        lived_in_city_since=on - timedelta(days=draw(st.integers(0, 5 * 366))),
        registered_types=draw(
            st.sampled_from(
                [frozenset()] * 4 + [frozenset({"income_poverty"}), frozenset({"dibao"})]
            )
        ),
    )
    return inputs, terms


def oracle(inputs: HouseholdInputs, terms: PolicyTerms) -> Outcome:
    """DOMAIN 5 read literally, dividing in exact fractions: per-capita monthly income
    I/12/n against L, 2L, 5L; R against 1.5·I."""
    if inputs.registered_types & {"dibao", "tekun", "registered_hardship"}:
        return Outcome.already_registered
    n = len(inputs.members)
    income = sum(Fraction(inputs.income_by_month[m]) for m in window(inputs.reference_date))
    rigid = sum(Fraction(a) for k, a in inputs.rigid_by_kind.items() if k in terms.rigid_kinds)
    per_capita = income / 12 / n
    standard = Fraction(terms.dibao_standard)
    if per_capita < Fraction(terms.income_floor) * standard:
        return Outcome.refer_to_dibao
    assert inputs.hukou_region_code is not None
    assert inputs.lived_in_city_since is not None
    assert inputs.assets is not None
    limits = terms.asset_limits
    assets_ok = True
    if limits.financial_per_capita is not None:
        held = sum(
            Fraction(a.value or 0) * Fraction(a.ownership_share) / 100
            for a in inputs.assets
            if a.kind == "financial_asset"
        )
        assets_ok &= held / n <= Fraction(limits.financial_per_capita)
    if limits.vehicles is not None:
        cars = sum(
            a.count or 0
            for a in inputs.assets
            if a.kind == "vehicle" and a.vehicle_type != "disability_vehicle"
        )
        assets_ok &= cars <= limits.vehicles
    if limits.real_estate_units is not None:
        assets_ok &= sum(a.kind == "real_estate" for a in inputs.assets) <= limits.real_estate_units
    if limits.real_estate_area_per_capita is not None:
        area = sum(
            Fraction(a.area_m2 or 0) * Fraction(a.ownership_share) / 100
            for a in inputs.assets
            if a.kind == "real_estate"
        )
        assets_ok &= area / n <= Fraction(limits.real_estate_area_per_capita)
    since = inputs.lived_in_city_since
    common = (
        inputs.hukou_region_code.startswith(inputs.district_code)
        and completed_years(since, inputs.reference_date) >= terms.residency_years
        and assets_ok
    )
    ratio = Fraction(terms.expenditure_ratio) * income
    if common and per_capita <= Fraction(terms.income_ceiling) * standard and rigid < ratio:
        return Outcome.income_poverty
    if common and per_capita <= Fraction(terms.expenditure_ceiling) * standard and rigid >= ratio:
        return Outcome.expenditure_poverty
    return Outcome.not_eligible


@settings(max_examples=400)
@given(cases())
def test_the_decision_agrees_with_dividing_exactly(
    case: tuple[HouseholdInputs, PolicyTerms],
) -> None:
    inputs, terms = case
    decision = assess(inputs, terms)
    assert decision.outcome is oracle(inputs, terms)
    if decision.outcome in ELIGIBLE:
        assert all(r.passed for r in decision.rules if r.code not in _ONE_TYPE_ONLY)


_ONE_TYPE_ONLY = {
    "income_type_ceiling",
    "income_type_rigid_ratio",
    "expenditure_type_ceiling",
    "expenditure_type_rigid_ratio",
}


@given(cases(), st.randoms(use_true_random=False))
def test_no_result_depends_on_the_order_of_the_inputs(
    case: tuple[HouseholdInputs, PolicyTerms], random: Random
) -> None:
    inputs, terms = case
    shuffled_members = list(inputs.members)
    random.shuffle(shuffled_members)
    shuffled_assets = list(inputs.assets or ())
    random.shuffle(shuffled_assets)
    reordered = replace(
        inputs,
        members=tuple(shuffled_members),
        assets=tuple(shuffled_assets),
        income_by_month=dict(reversed(list(inputs.income_by_month.items()))),
        rigid_by_kind=dict(reversed(list(inputs.rigid_by_kind.items()))),
    )
    first, second = assess(inputs, terms), assess(reordered, terms)
    assert first == second
    assert score(inputs, terms, first) == score(reordered, terms, second)
    assert fingerprint(inputs) == fingerprint(reordered)


@given(cases())
def test_the_same_inputs_give_an_identical_result(
    case: tuple[HouseholdInputs, PolicyTerms],
) -> None:
    inputs, terms = case
    copy = replace(inputs, income_by_month=dict(inputs.income_by_month))
    assert assess(inputs, terms) == assess(copy, terms)
    assert score(inputs, terms, assess(inputs, terms)) == score(copy, terms, assess(copy, terms))
    assert fingerprint(inputs) == fingerprint(copy)


@st.composite
def weights(draw: st.DrawFn) -> dict[Factor, int]:
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=6, max_size=6)))
    edges = [0, *cuts, 100]
    return {factor: edges[i + 1] - edges[i] for i, factor in enumerate(Factor)}


@settings(max_examples=300)
@given(cases(), weights())
def test_the_score_lies_in_0_100_and_is_the_sum_of_its_contributions(
    case: tuple[HouseholdInputs, PolicyTerms], points: dict[Factor, int]
) -> None:
    inputs, terms = case
    terms = replace(terms, weights=points)
    decision = assess(inputs, terms)
    result = score(inputs, terms, decision)
    if decision.outcome not in ELIGIBLE:
        assert result is None
        return
    assert result is not None
    assert Decimal(0) <= result.total <= Decimal(100)
    assert sum(c.points for c in result.contributions) == result.total
    assert result.total == result.total.quantize(Decimal("0.01"))
    assert [c.factor for c in result.contributions] == list(Factor)
    for c in result.contributions:
        assert c.weight == points[c.factor]
        assert Decimal(0) <= c.fraction <= Decimal(1)
        assert Decimal(0) <= c.points <= c.weight
    assert priority_key(result, uuid.UUID(int=1))[0] == -result.total


@given(cases(), st.integers(0, 11))
def test_a_fen_more_in_any_month_changes_the_fingerprint(
    case: tuple[HouseholdInputs, PolicyTerms], index: int
) -> None:
    inputs, _ = case
    month = window(inputs.reference_date)[index]
    months = {**inputs.income_by_month, month: inputs.income_by_month[month] + Decimal("0.01")}
    assert fingerprint(replace(inputs, income_by_month=months)) != fingerprint(inputs)


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(0, 50))
def test_the_anniversary_completes_exactly_that_many_years(start: date, years: int) -> None:
    day = anniversary(start, years)
    assert completed_years(start, day) == years
    if years > 0:
        assert completed_years(start, day - timedelta(days=1)) == years - 1
    assert (day.year, day.month) == (start.year + years, start.month)


@given(
    st.integers(0, 10**12).map(lambda fen: Decimal(fen) / 100),
    st.integers(0, 10**12).map(lambda fen: Decimal(fen) / 100),
    st.integers(1, 12),
    st.integers(1, 12),
)
def test_the_per_capita_key_never_reverses_the_exact_order(
    first: Decimal, second: Decimal, n: int, m: int
) -> None:
    exact_first = Fraction(first) / (12 * n)
    exact_second = Fraction(second) / (12 * m)
    if exact_first < exact_second:
        assert per_capita_micro(first, n) <= per_capita_micro(second, m)
    assert per_capita_micro(first, n) == int(exact_first * 1_000_000)
