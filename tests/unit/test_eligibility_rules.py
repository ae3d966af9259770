"""The eligibility rules of DOMAIN 5 at every boundary (Yubei 3(2)): exact lines, inclusive
bounds (Civil Code art. 1259), one fen either side, missing inputs, registered households."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.eligibility.rules import Comparison, Outcome, RuleResult, assess, window
from tests.eligibility_inputs import (
    FEN,
    D,
    L,
    asset,
    household,
    limits,
    line,
    terms,
)

SIZES = [1, 2, 6]
"""One-person, two-person and six-person households."""


def outcome_of(**kwargs: object) -> Outcome:
    return assess(household(**kwargs), terms()).outcome  # type: ignore[arg-type]


def rule(rules: Iterable[RuleResult], code: str) -> RuleResult:
    return next(r for r in rules if r.code == code)


def test_the_window_is_the_twelve_calendar_months_before_the_month_of_d() -> None:
    assert window(date(2026, 3, 15)) == tuple(
        [date(2025, m, 1) for m in range(3, 13)] + [date(2026, 1, 1), date(2026, 2, 1)]
    )
    assert window(date(2026, 1, 1)) == tuple(date(2025, m, 1) for m in range(1, 13))
    assert window(date(2026, 12, 31))[-1] == date(2026, 11, 1)


@pytest.mark.parametrize("n", SIZES)
def test_exactly_l_per_capita_is_in_and_one_fen_below_refers_to_dibao(n: int) -> None:
    at = line("1", n)
    assert outcome_of(income=at, size=n) is Outcome.income_poverty
    assert outcome_of(income=at - FEN, size=n) is Outcome.refer_to_dibao
    floor = rule(assess(household(income=at, size=n), terms()).rules, "income_floor")
    assert (floor.value, floor.comparison, floor.threshold) == (
        f"{at:.2f}",
        Comparison.at_least,
        f"{at:.2f}",
    )


@pytest.mark.parametrize("n", SIZES)
def test_exactly_2l_per_capita_is_income_type_and_one_fen_above_is_not(n: int) -> None:
    at = line("2", n)
    assert outcome_of(income=at, size=n) is Outcome.income_poverty
    assert outcome_of(income=at + FEN, size=n) is Outcome.not_eligible
    # With rigid expenditure at 1.5·I, just above 2L is the expenditure type.
    above = at + FEN
    assert outcome_of(income=above, size=n, rigid=above * Decimal("1.5")) is (
        Outcome.expenditure_poverty
    )


@pytest.mark.parametrize("n", SIZES)
def test_exactly_5l_per_capita_is_expenditure_type_and_one_fen_above_is_not(n: int) -> None:
    at = line("5", n)
    assert outcome_of(income=at, size=n, rigid=at * Decimal("1.5")) is (Outcome.expenditure_poverty)
    above = at + FEN
    assert outcome_of(income=above, size=n, rigid=above * Decimal("1.5")) is (Outcome.not_eligible)


@pytest.mark.parametrize("n", SIZES)
def test_l_per_capita_with_high_rigid_expenditure_is_expenditure_type(n: int) -> None:
    at = line("1", n)
    assert outcome_of(income=at, size=n, rigid=at * 2) is Outcome.expenditure_poverty
    assert outcome_of(income=at - FEN, size=n, rigid=at * 2) is Outcome.refer_to_dibao


@pytest.mark.parametrize("n", SIZES)
def test_rigid_expenditure_exactly_one_and_a_half_times_income_is_expenditure_type(
    n: int,
) -> None:
    income = line("1.5", n)
    ratio_line = income * Decimal("1.5")
    assert outcome_of(income=income, size=n, rigid=ratio_line) is Outcome.expenditure_poverty
    assert outcome_of(income=income, size=n, rigid=ratio_line + FEN) is (
        Outcome.expenditure_poverty
    )
    assert outcome_of(income=income, size=n, rigid=ratio_line - FEN) is Outcome.income_poverty


def test_the_two_ratio_rules_split_every_household() -> None:
    income = line("1.5", 3)
    for rigid in (Decimal(0), income * Decimal("1.5") - FEN, income * Decimal("1.5")):
        rules = assess(household(income=income, size=3, rigid=rigid), terms()).rules
        below = rule(rules, "income_type_rigid_ratio")
        at_or_above = rule(rules, "expenditure_type_rigid_ratio")
        assert below.passed != at_or_above.passed
        assert (below.comparison, at_or_above.comparison) == (
            Comparison.below,
            Comparison.at_least,
        )
        assert below.threshold == at_or_above.threshold == f"{income * Decimal('1.5'):.2f}"


def test_zero_income_refers_to_dibao_and_shows_the_ratio_against_zero() -> None:
    decision = assess(household(income=Decimal(0), rigid=Decimal("300.00")), terms())
    assert decision.outcome is Outcome.refer_to_dibao
    assert decision.income_total == 0
    assert rule(decision.rules, "income_floor").passed is False
    # 1.5 × 0 = 0: R = 300 is not below it, and is at or above it.
    assert rule(decision.rules, "income_type_rigid_ratio").passed is False
    expenditure = rule(decision.rules, "expenditure_type_rigid_ratio")
    assert (expenditure.threshold, expenditure.passed) == ("0.00", True)
    assert assess(household(income=Decimal(0)), terms()).outcome is Outcome.refer_to_dibao


def test_a_recorded_zero_month_is_zero_not_missing() -> None:
    inputs = household(income=line("1", 1))
    months = dict(inputs.income_by_month)
    first = window(D)[0]
    months[window(D)[-1]] += months[first]
    months[first] = Decimal("0.00")
    decision = assess(replace(inputs, income_by_month=months), terms())
    assert decision.outcome is Outcome.income_poverty
    assert decision.missing == ()


def test_months_outside_the_window_are_not_read() -> None:
    inputs = household(income=line("1", 1))
    months = {**inputs.income_by_month, date(2026, 3, 1): Decimal("99999.00")}
    months[date(2025, 2, 1)] = Decimal("99999.00")
    assert assess(replace(inputs, income_by_month=months), terms()).income_total == line("1", 1)


def test_only_the_policys_rigid_kinds_count() -> None:
    income = line("1.5", 1)
    kinds = {"medical": income, "funeral": income}
    inputs = household(income=income, rigid_by_kind=kinds)
    decision = assess(inputs, terms())
    assert (decision.rigid_total, decision.outcome) == (income, Outcome.income_poverty)
    wider = terms(rigid_kinds=frozenset({"medical", "funeral"}))
    decision = assess(inputs, wider)
    assert (decision.rigid_total, decision.outcome) == (income * 2, Outcome.expenditure_poverty)


def test_a_policy_with_other_multipliers_moves_the_lines() -> None:
    income = line("2.5", 2)
    assert outcome_of(income=income, size=2) is Outcome.not_eligible
    wider = terms(income_ceiling=Decimal("2.5"))
    assert assess(household(income=income, size=2), wider).outcome is Outcome.income_poverty
    higher = terms(dibao_standard=L + FEN)
    assert assess(household(income=line("1", 2), size=2), higher).outcome is Outcome.refer_to_dibao


def test_a_standard_that_is_not_positive_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        assess(household(), terms(dibao_standard=Decimal(0)))


# Hukou and residency ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "inside"),
    [
        ("500112", True),
        ("500112001", True),
        ("500112001001", True),
        ("500113001", False),
        ("500111", False),
        ("", False),
    ],
)
def test_hukou_must_lie_in_the_district(code: str, inside: bool) -> None:
    decision = assess(household(hukou_region_code=code), terms())
    assert rule(decision.rules, "hukou_in_district").passed is inside
    assert decision.outcome is (Outcome.income_poverty if inside else Outcome.not_eligible)


def test_hukou_outside_the_district_is_not_eligible_for_the_expenditure_type_either() -> None:
    income = line("3", 1)
    decision = assess(
        household(income=income, rigid=income * 2, hukou_region_code="500113"), terms()
    )
    assert decision.outcome is Outcome.not_eligible


@pytest.mark.parametrize(
    ("since", "on", "qualifies"),
    [
        (date(2024, 3, 15), date(2026, 3, 15), True),  # exactly two years
        (date(2024, 3, 15), date(2026, 3, 14), False),  # one day short
        (date(2024, 3, 16), date(2026, 3, 15), False),
        # 29 February: its anniversary in a common year is 28 February (Civil Code art. 202).
        (date(2024, 2, 29), date(2026, 2, 28), True),
        (date(2024, 2, 29), date(2026, 2, 27), False),
        (date(2024, 2, 29), date(2026, 3, 1), True),
        (date(2022, 2, 28), date(2024, 2, 28), True),  # 28 Feb into a leap year
        (date(2022, 2, 28), date(2024, 2, 27), False),
        (date(2022, 3, 1), date(2024, 2, 29), False),
        (date(2026, 4, 1), date(2026, 3, 15), False),  # moving in after D
    ],
)
def test_residency_of_two_years_or_more_on_d(since: date, on: date, qualifies: bool) -> None:
    inputs = household(lived_in_city_since=since, reference_date=on)
    inputs = replace(inputs, income_by_month={m: Decimal("800.00") for m in window(on)})
    decision = assess(inputs, terms())
    assert rule(decision.rules, "residency").passed is qualifies
    assert decision.outcome is (Outcome.income_poverty if qualifies else Outcome.not_eligible)


def test_residency_years_come_from_the_policy_and_29_february_meets_itself_in_a_leap_year() -> None:
    four = terms(residency_years=4)
    for on, qualifies in ((date(2028, 2, 28), False), (date(2028, 2, 29), True)):
        inputs = household(lived_in_city_since=date(2024, 2, 29), reference_date=on)
        inputs = replace(inputs, income_by_month={m: Decimal("800.00") for m in window(on)})
        residency = rule(assess(inputs, four).rules, "residency")
        assert (residency.passed, residency.threshold) == (qualifies, "2028-02-29")


# Assets ----------------------------------------------------------------------------------


def test_no_limit_set_means_no_asset_rule() -> None:
    rich = (
        asset("financial_asset", value=Decimal("9999999.00")),
        asset("vehicle", count=3, vehicle_type="passenger_car"),
        asset("real_estate", area_m2=Decimal("500")),
    )
    decision = assess(household(assets=rich), terms())
    assert decision.outcome is Outcome.income_poverty
    assert not [r for r in decision.rules if r.code.startswith("assets")]


def test_financial_assets_per_capita_at_and_one_fen_beyond_the_limit_with_shares() -> None:
    policy = limits(financial_per_capita=Decimal("10000"))
    at = (
        asset("financial_asset", "50", value=Decimal("30000.00")),
        asset("financial_asset", "100", value=Decimal("5000.00")),
    )
    decision = assess(household(size=2, income=line("1", 2), assets=at), policy)
    financial = rule(decision.rules, "assets_financial_per_capita")
    assert (financial.value, financial.threshold, financial.passed) == (
        "20000.00",
        "20000.00",
        True,
    )
    assert decision.outcome is Outcome.income_poverty
    beyond = (*at, asset("financial_asset", "50", value=Decimal("0.02")))
    decision = assess(household(size=2, income=line("1", 2), assets=beyond), policy)
    assert rule(decision.rules, "assets_financial_per_capita").value == "20000.01"
    assert decision.outcome is Outcome.not_eligible


def test_vehicles_at_and_beyond_the_limit_not_counting_exempt_types() -> None:
    policy = limits(vehicles=1)
    car = asset("vehicle", "50", vehicle_type="passenger_car", count=1)
    exempt = asset("vehicle", vehicle_type="disability_vehicle", count=1)
    assert assess(household(assets=(car, exempt)), policy).outcome is Outcome.income_poverty
    two = (asset("vehicle", vehicle_type="motorcycle", count=2),)
    decision = assess(household(assets=two), policy)
    assert rule(decision.rules, "assets_vehicles").value == "2"
    assert decision.outcome is Outcome.not_eligible
    assert assess(household(assets=(car,)), limits(vehicles=0)).outcome is Outcome.not_eligible


def test_real_estate_units_at_and_beyond_the_limit() -> None:
    policy = limits(real_estate_units=1)
    home = asset("real_estate", "30", area_m2=Decimal("80"))
    assert assess(household(assets=(home,)), policy).outcome is Outcome.income_poverty
    assert assess(household(assets=(home, home)), policy).outcome is Outcome.not_eligible


def test_real_estate_area_per_capita_at_and_beyond_the_limit_with_shares() -> None:
    policy = limits(real_estate_area_per_capita=Decimal("30"))
    at = (asset("real_estate", "50", area_m2=Decimal("120.00")),)
    decision = assess(household(size=2, income=line("1", 2), assets=at), policy)
    area = rule(decision.rules, "assets_real_estate_area_per_capita")
    assert (area.value, area.threshold, area.passed) == ("60.00", "60.00", True)
    beyond = (asset("real_estate", "50", area_m2=Decimal("120.02")),)
    decision = assess(household(size=2, income=line("1", 2), assets=beyond), policy)
    assert decision.outcome is Outcome.not_eligible


def test_other_assets_meet_no_limit() -> None:
    policy = limits(financial_per_capita=Decimal(0), vehicles=0, real_estate_units=0)
    other = (asset("other", value=Decimal("100000.00")),)
    assert assess(household(assets=other), policy).outcome is Outcome.income_poverty


# Missing inputs and registered households ------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({"members": ()}, ("members",)),
        ({"hukou_region_code": None}, ("hukou",)),
        ({"lived_in_city_since": None}, ("residency",)),
        ({"assets": None}, ("assets",)),
    ],
)
def test_each_missing_input_is_named_and_never_guessed(
    changes: dict[str, object], missing: tuple[str, ...]
) -> None:
    decision = assess(household(**changes), terms())  # type: ignore[arg-type]
    assert (decision.outcome, decision.missing) == (Outcome.cannot_assess, missing)
    assert [r.code for r in decision.rules] == ["non_registered"]
    assert decision.income_total is None


def test_an_unrecorded_month_is_missing_not_zero() -> None:
    inputs = household(income=line("1.5", 1))
    months = {m: a for m, a in inputs.income_by_month.items() if m != date(2025, 7, 1)}
    del months[date(2026, 2, 1)]
    decision = assess(replace(inputs, income_by_month=months), terms())
    assert decision.outcome is Outcome.cannot_assess
    assert decision.missing == ("incomes.2025-07", "incomes.2026-02")


def test_everything_missing_is_listed_in_a_stable_order() -> None:
    inputs = household(
        members=(),
        income_by_month={},
        hukou_region_code=None,
        lived_in_city_since=None,
        assets=None,
    )
    decision = assess(inputs, terms())
    months = [f"incomes.{m:%Y-%m}" for m in window(D)]
    assert decision.missing == ("members", *months, "hukou", "residency", "assets")


def test_asset_details_are_missing_only_when_a_set_limit_needs_them() -> None:
    vague = (
        asset("financial_asset"),
        asset("vehicle"),
        asset("real_estate"),
    )
    assert assess(household(assets=vague), terms()).outcome is Outcome.income_poverty
    policy = limits(
        financial_per_capita=Decimal(1), vehicles=1, real_estate_area_per_capita=Decimal(1)
    )
    decision = assess(household(assets=vague), policy)
    assert decision.missing == (
        "assets.financial_asset.value",
        "assets.vehicle.vehicle_type",
        "assets.vehicle.count",
        "assets.real_estate.area_m2",
    )
    units_only = limits(real_estate_units=1)
    assert assess(household(assets=vague), units_only).outcome is Outcome.income_poverty


@pytest.mark.parametrize("status", ["dibao", "tekun", "registered_hardship"])
def test_a_registered_household_is_in_scope_by_its_status(status: str) -> None:
    for inputs in (household(), household(members=(), assets=None), household(income=Decimal(0))):
        decision = assess(replace(inputs, registered_types=frozenset({status})), terms())
        assert decision.outcome is Outcome.already_registered
        assert decision.missing == ()
        (only,) = decision.rules
        assert (only.code, only.value, only.passed) == ("non_registered", status, False)
        assert status in only.explanation.zh_cn
        assert status in only.explanation.en


def test_a_new_type_already_held_is_re_decided() -> None:
    inputs = household(registered_types=frozenset({"income_poverty", "expenditure_poverty"}))
    assert assess(inputs, terms()).outcome is Outcome.income_poverty


# Explanations ----------------------------------------------------------------------------


def test_every_rule_explains_itself_in_both_languages_with_its_figures() -> None:
    income = line("1", 6)
    decision = assess(
        household(income=income, size=6, assets=(asset("vehicle", vehicle_type="other", count=1),)),
        limits(vehicles=1, financial_per_capita=Decimal("5000")),
    )
    assert [r.code for r in decision.rules] == [
        "non_registered",
        "income_floor",
        "income_type_ceiling",
        "income_type_rigid_ratio",
        "expenditure_type_ceiling",
        "expenditure_type_rigid_ratio",
        "hukou_in_district",
        "residency",
        "assets_financial_per_capita",
        "assets_vehicles",
    ]
    floor = rule(decision.rules, "income_floor")
    assert dict(floor.figures) == {
        "income_total": "57600.00",
        "member_count": "6",
        "dibao_standard": "800.00",
        "multiplier": "1",
    }
    assert "1×800.00×12×6 = 57600.00" in floor.explanation.zh_cn
    assert "800.00 元" in floor.explanation.zh_cn
    assert "met" in floor.explanation.en
    assert "57600.00" in floor.explanation.en
    for r in decision.rules[1:]:
        assert r.threshold in r.explanation.zh_cn, r.code
        assert r.threshold in r.explanation.en, r.code
        assert r.value in r.explanation.zh_cn, r.code
        assert ("：符合" if r.passed else "：不符合") in r.explanation.zh_cn, r.code
        assert (": met" if r.passed else ": not met") in r.explanation.en, r.code


def test_per_capita_income_is_shown_approximately_only_when_it_does_not_divide() -> None:
    exact = rule(assess(household(income=line("1", 1)), terms()).rules, "income_floor")
    assert "人均月收入 800.00 元" in exact.explanation.zh_cn
    odd = rule(assess(household(income=Decimal("60000.00"), size=7), terms()).rules, "income_floor")
    assert "≈714.29" in odd.explanation.zh_cn
