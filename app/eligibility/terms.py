"""The terms of a policy version as the rules read them (DOMAIN 5): every figure a rule
compares against comes from here, none is written into a rule."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Factor(StrEnum):
    """The priority score's factors (DOMAIN 5, "Scoring"), each weighted by the policy."""

    income_gap = "income_gap"
    """How far per-capita income lies below the upper income line."""
    expenditure_ratio = "expenditure_ratio"
    """Rigid expenditure against income."""
    dependants = "dependants"
    """Members without income of their own (children, the elderly, the unemployed) per member."""
    elderly = "elderly"
    children = "children"
    disability = "disability"
    major_illness = "major_illness"


DEFAULT_RIGID_KINDS = frozenset({"medical", "education", "disaster"})
"""因灾、因病、因学 (Yubei 3(2)): the kinds a policy counts unless it says otherwise."""


@dataclass(frozen=True, slots=True)
class AssetLimits:
    """家庭财产情况符合有关要求 (Yubei 3(1)): the seed names no figures, so each limit is the
    policy version's; None means the policy sets no such limit."""

    financial_per_capita: Decimal | None = None
    """Yuan: financial assets (the household's share of each) per member, at most."""
    vehicles: int | None = None
    """Vehicles the household owns a share of, at most, not counting `exempt_vehicle_types`."""
    exempt_vehicle_types: frozenset[str] = frozenset({"disability_vehicle"})
    real_estate_units: int | None = None
    """Dwellings the household owns a share of, at most."""
    real_estate_area_per_capita: Decimal | None = None
    """Square metres of real estate (the household's share) per member, at most."""


@dataclass(frozen=True, slots=True)
class PolicyTerms:
    """The figures of one policy version (DOMAIN 5); multipliers are of L, bounds inclusive
    (Civil Code art. 1259)."""

    dibao_standard: Decimal
    """L: the urban dibao standard, yuan per person per month."""
    income_floor: Decimal = Decimal(1)
    """Both types: per-capita monthly income at least this many L (1倍以上)."""
    income_ceiling: Decimal = Decimal(2)
    """Income type: at most this many L (2倍以内)."""
    expenditure_ceiling: Decimal = Decimal(5)
    """Expenditure type: at most this many L (5倍以内)."""
    expenditure_ratio: Decimal = Decimal("1.5")
    """Rigid expenditure against income: the expenditure type at or above it, the income
    type below it (DOMAIN 5 reads 超过...1.5倍及以上 as R >= 1.5 I on purpose)."""
    residency_years: int = 2
    """Living in the city this many years or more on the reference date (2年及以上)."""
    rigid_kinds: frozenset[str] = DEFAULT_RIGID_KINDS
    asset_limits: AssetLimits = field(default_factory=AssetLimits)
    weights: Mapping[Factor, int] = field(default_factory=dict)
    """Points of each factor; they add up to 100."""
