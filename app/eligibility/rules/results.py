"""What an assessment answers (DOMAIN 5): the outcome, and each rule with its figures."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Outcome(StrEnum):
    already_registered = "already_registered"
    """A dibao, tekun or registered-hardship household: in scope by its status, not re-decided."""
    cannot_assess = "cannot_assess"
    """An input is missing (`Decision.missing` names each); never a guess."""
    refer_to_dibao = "refer_to_dibao"
    """Per-capita income below L: not a pilot type; the dibao procedure decides."""
    income_poverty = "income_poverty"
    expenditure_poverty = "expenditure_poverty"
    not_eligible = "not_eligible"


ELIGIBLE = frozenset({Outcome.income_poverty, Outcome.expenditure_poverty})
"""The outcomes the priority score orders."""


class Comparison(StrEnum):
    """How a rule compares its household figure (left) with its threshold (right)."""

    at_least = ">="
    at_most = "<="
    below = "<"
    starts_with = "starts_with"
    none_of = "none_of"


@dataclass(frozen=True, slots=True)
class Explanation:
    """The same sentence in simplified Chinese and English (as `Labels` carries them)."""

    zh_cn: str
    en: str


def verdict(passed: bool) -> tuple[str, str]:
    """How every explanation ends: met or not, in Chinese and English."""
    return ("符合", "met") if passed else ("不符合", "not met")


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule as evaluated: `value` compared with `threshold` by `comparison`; `figures`
    are the inputs the two were computed from, every figure an exact string."""

    code: str
    figures: tuple[tuple[str, str], ...]
    value: str
    comparison: Comparison
    threshold: str
    passed: bool
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome on D and every rule evaluated, in a fixed order.

    `income_total` (I), `rigid_total` (R, the policy's rigid kinds only) and `member_count`
    (n) are None when the rules did not get that far (already registered, missing inputs)."""

    outcome: Outcome
    rules: tuple[RuleResult, ...]
    missing: tuple[str, ...] = ()
    member_count: int | None = None
    income_total: Decimal | None = None
    rigid_total: Decimal | None = None
