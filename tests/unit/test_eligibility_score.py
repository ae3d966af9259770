"""The priority score of eligible households (DOMAIN 5, "Scoring"): each factor's fraction
and points, half-up rounding, the weights of the policy, ties, and the inputs' fingerprint."""

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.eligibility.rules import (
    HouseholdInputs,
    Outcome,
    assess,
    canonical,
    fingerprint,
    priority_key,
    score,
    window,
)
from app.eligibility.terms import Factor
from tests.eligibility_inputs import D, asset, household, line, person, terms

FAMILY = (
    person(1, date(1966, 3, 15), health="major_illness", employment="retired"),  # 60 on D
    person(2, date(2016, 1, 1), employment="student"),
    person(3, date(1990, 1, 1), employment="employed", disability_grade="grade_3"),
    person(4, date(1988, 1, 1), employment="unemployed", health="chronic_illness"),
)


def test_each_factor_of_an_income_type_household() -> None:
    inputs = household(income=line("1.5", 4), rigid=line("1.5", 4) / 2, members=FAMILY)
    decision = assess(inputs, terms())
    assert decision.outcome is Outcome.income_poverty
    result = score(inputs, terms(), decision)
    assert result is not None
    rows = {c.factor: (c.fraction, c.weight, c.points) for c in result.contributions}
    assert rows == {
        # (2L·12n − I) / ((2L − L)·12n) = (76800 − 57600) / 38400
        Factor.income_gap: (Decimal("0.5000"), 30, Decimal("15.00")),
        # R / (R + I) = 28800 / 86400
        Factor.expenditure_ratio: (Decimal("0.3333"), 20, Decimal("6.67")),
        # the elder, the pupil and the unemployed
        Factor.dependants: (Decimal("0.7500"), 10, Decimal("7.50")),
        Factor.elderly: (Decimal("0.2500"), 10, Decimal("2.50")),
        Factor.children: (Decimal("0.2500"), 10, Decimal("2.50")),
        Factor.disability: (Decimal("0.2500"), 10, Decimal("2.50")),
        # (1 major + ½ chronic) / 4
        Factor.major_illness: (Decimal("0.3750"), 10, Decimal("3.75")),
    }
    assert result.total == Decimal("40.42")
    gap = result.contributions[0]
    assert dict(gap.figures) == {
        "income_total": "57600.00",
        "type_ceiling_total": "76800.00",
        "floor_total": "38400.00",
    }


def test_the_expenditure_type_measures_the_gap_to_its_own_ceiling() -> None:
    income = line("2", 1)
    inputs = household(income=income, rigid=income * 2)
    decision = assess(inputs, terms())
    assert decision.outcome is Outcome.expenditure_poverty
    result = score(inputs, terms(), decision)
    assert result is not None
    # (5L − 2L) / (5L − L) = 3/4; R / (R + I) = 2/3
    assert result.contributions[0].fraction == Decimal("0.7500")
    assert result.contributions[1].fraction == Decimal("0.6667")


def test_at_the_floor_the_gap_is_full_and_at_the_ceiling_empty() -> None:
    for income, fraction in ((line("1", 2), Decimal(1)), (line("2", 2), Decimal(0))):
        inputs = household(income=income, size=2)
        result = score(inputs, terms(), assess(inputs, terms()))
        assert result is not None
        assert result.contributions[0].fraction == fraction


def test_points_round_half_up() -> None:
    weights = dict.fromkeys(Factor, 0) | {Factor.income_gap: 99, Factor.major_illness: 1}
    members = (person(1, health="chronic_illness"), person(2), person(3), person(4))
    inputs = household(income=line("1", 4), members=members)
    policy = terms(weights=weights)
    result = score(inputs, policy, assess(inputs, policy))
    assert result is not None
    illness = next(c for c in result.contributions if c.factor is Factor.major_illness)
    assert (illness.fraction, illness.points) == (Decimal("0.1250"), Decimal("0.13"))
    assert result.total == Decimal("99.13")


@pytest.mark.parametrize(
    ("birth", "elderly", "child"),
    [
        (date(1966, 3, 15), 1, 0),  # 60 on D
        (date(1966, 3, 16), 0, 0),  # 59 on D
        (date(2008, 3, 15), 0, 0),  # 18 on D
        (date(2008, 3, 16), 0, 1),  # 17 on D
    ],
)
def test_age_bounds_of_the_elderly_and_children(birth: date, elderly: int, child: int) -> None:
    inputs = household(income=line("1", 1), members=(person(1, birth, employment="employed"),))
    result = score(inputs, terms(), assess(inputs, terms()))
    assert result is not None
    fractions = {c.factor: c.fraction for c in result.contributions}
    assert (fractions[Factor.elderly], fractions[Factor.children]) == (
        Decimal(elderly),
        Decimal(child),
    )


def test_born_on_29_february_comes_of_age_on_28_february_as_residency_does() -> None:
    on = date(2026, 2, 28)
    for day, child in ((on, 0), (date(2026, 2, 27), 1)):
        months = {m: Decimal("800.00") for m in window(day)}
        inputs = household(
            members=(person(1, date(2008, 2, 29)),), reference_date=day, income_by_month=months
        )
        result = score(inputs, terms(), assess(inputs, terms()))
        assert result is not None
        assert {c.factor: c.fraction for c in result.contributions}[Factor.children] == child


@pytest.mark.parametrize(
    "inputs",
    [
        household(income=line("1", 1) - Decimal("0.01")),  # refer_to_dibao
        household(income=line("2", 1) + Decimal("0.01")),  # not_eligible
        household(registered_types=frozenset({"dibao"})),
        household(assets=None),
    ],
)
def test_only_eligible_households_have_a_score(inputs: HouseholdInputs) -> None:
    decision = assess(inputs, terms())
    assert score(inputs, terms(), decision) is None


@pytest.mark.parametrize(
    "weights",
    [{}, {Factor.income_gap: 99}, {Factor.income_gap: 110, Factor.elderly: -10}],
)
def test_weights_must_add_up_to_100(weights: dict[Factor, int]) -> None:
    inputs = household()
    with pytest.raises(ValueError, match="add up to 100"):
        score(inputs, terms(weights=weights), assess(inputs, terms()))


def test_a_factor_without_a_weight_contributes_nothing() -> None:
    inputs = household(members=FAMILY, income=line("1", 4))
    policy = terms(weights={Factor.income_gap: 100})
    result = score(inputs, policy, assess(inputs, policy))
    assert result is not None
    assert result.total == Decimal("100.00")
    assert all(c.points == 0 for c in result.contributions[1:])


def test_ties_go_to_the_lower_per_capita_income_then_the_household_id() -> None:
    policy = terms(weights={Factor.elderly: 100})  # every score 0: all tie on points
    low, high = household(income=line("1", 1)), household(income=line("1.2", 1))
    scored = {}
    for name, inputs, number in (("high", high, 1), ("low-b", low, 3), ("low-a", low, 2)):
        result = score(inputs, policy, assess(inputs, policy))
        assert result is not None
        scored[name] = priority_key(result, uuid.UUID(int=number))
    assert sorted(scored, key=scored.__getitem__) == ["low-a", "low-b", "high"]
    top = household(income=line("2", 1), members=(person(9, date(1940, 1, 1)),))
    best = score(top, policy, assess(top, policy))
    assert best is not None
    assert priority_key(best, uuid.UUID(int=99)) < min(scored.values())


# Fingerprint -----------------------------------------------------------------------------


def test_the_fingerprint_is_a_sha256_of_every_input() -> None:
    inputs = household(members=FAMILY, assets=(asset("vehicle", vehicle_type="other", count=1),))
    digest = fingerprint(inputs)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    changes: list[dict[str, object]] = [
        {"reference_date": date(2026, 3, 16)},
        {"members": FAMILY[:3]},
        {"members": (replace(FAMILY[0], health="healthy"), *FAMILY[1:])},
        {"rigid_by_kind": {"medical": Decimal("0.01")}},
        {"assets": ()},
        {"assets": None},
        {"hukou_region_code": None},
        {"hukou_region_code": "500112001002"},
        {"district_code": "500113"},
        {"lived_in_city_since": date(2021, 1, 2)},
        {"registered_types": frozenset({"dibao"})},
    ]
    for change in changes:
        assert fingerprint(replace(inputs, **change)) != digest, change  # type: ignore[arg-type]


def test_the_fingerprint_ignores_order_and_the_scale_of_equal_amounts() -> None:
    inputs = household(
        members=FAMILY,
        assets=(asset("vehicle", vehicle_type="other", count=1), asset("real_estate")),
    )
    same = replace(
        inputs,
        members=tuple(reversed(FAMILY)),
        assets=tuple(reversed(inputs.assets or ())),
        income_by_month={
            m: a.quantize(Decimal("0.0001"))
            for m, a in reversed(list(inputs.income_by_month.items()))
        },
    )
    assert fingerprint(same) == fingerprint(inputs)
    assert canonical(same) == canonical(inputs)
    assert '"2025-03-01":"1600.00"' in canonical(inputs)
    assert D.isoformat() in canonical(inputs)
