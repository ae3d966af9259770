"""Households and policies for the eligibility rule tests: plain values, no database."""

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import ROUND_DOWN, Decimal

from app.eligibility.rules import AssetFacts, HouseholdInputs, Member, window
from app.eligibility.terms import AssetLimits, Factor, PolicyTerms

D = date(2026, 3, 15)
"""The reference date: window 2025-03 .. 2026-02."""
L = Decimal("800.00")
DISTRICT = "500112"
WEIGHTS: Mapping[Factor, int] = {
    Factor.income_gap: 30,
    Factor.expenditure_ratio: 20,
    Factor.dependants: 10,
    Factor.elderly: 10,
    Factor.children: 10,
    Factor.disability: 10,
    Factor.major_illness: 10,
}


def terms(**changes: object) -> PolicyTerms:
    base = PolicyTerms(dibao_standard=L, weights=WEIGHTS)
    return replace(base, **changes)  # type: ignore[arg-type]


def limits(**values: object) -> PolicyTerms:
    return terms(asset_limits=AssetLimits(**values))  # type: ignore[arg-type]


def person(number: int, birth: date = date(1980, 6, 1), **facts: str | None) -> Member:
    return Member(uuid.UUID(int=number), birth, **facts)


def spread(total: Decimal, on: date = D) -> dict[date, Decimal]:
    """`total` over the 12 window months, whole fen each, the remainder in the last month."""
    months = window(on)
    part = (total / 12).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    incomes = dict.fromkeys(months, part)
    incomes[months[-1]] = total - part * 11
    return incomes


def household(
    income: Decimal = Decimal("19200.00"),
    size: int = 1,
    rigid: Decimal = Decimal(0),
    **changes: object,
) -> HouseholdInputs:
    """A household that is income type unless changed: n members, income I over the window,
    rigid medical expenditure R, hukou in the district, in the city for 5 years, no assets."""
    base = HouseholdInputs(
        reference_date=D,
        members=tuple(person(i + 1) for i in range(size)),
        income_by_month=spread(income),
        rigid_by_kind={"medical": rigid} if rigid else {},
        assets=(),
        hukou_region_code="500112001001",
        district_code=DISTRICT,
        lived_in_city_since=date(2021, 1, 1),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def line(multiplier: str, members: int, standard: Decimal = L) -> Decimal:
    """multiplier·L·12·n: a per-capita line as a window total."""
    return Decimal(multiplier) * standard * 12 * members


FEN = Decimal("0.01")


def asset(kind: str, share: str = "100", **fields: object) -> AssetFacts:
    return AssetFacts(kind, Decimal(share), **fields)  # type: ignore[arg-type]
