"""What an assessment answers (DOMAIN 5): the outcome, and each rule with its figures."""

from collections.abc import Callable
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


Figures = tuple[tuple[str, str], ...]
"""(name, exact string) pairs: the inputs a figure was computed from."""


@dataclass(frozen=True, slots=True)
class Details:
    """What a rule shows besides its verdict: the figures, the two sides compared and the
    sentence saying so."""

    figures: Figures
    value: str
    threshold: str
    explanation: Explanation


class RuleResult:
    """One rule as evaluated: `value` compared with `threshold` by `comparison`; `figures`
    are the inputs the two were computed from, every figure an exact string.

    The verdict (`passed`) is computed with the rule; its figures, strings and bilingual
    explanation are written by `describe`, from the same values, when first read and then
    kept. A simulation reads the verdicts of millions of rules and none of their words; an
    assessment stores every word: the same call serves both, so they cannot disagree."""

    __slots__ = ("_describe", "_details", "code", "comparison", "passed")

    def __init__(
        self, code: str, comparison: Comparison, passed: bool, describe: Callable[[], Details]
    ) -> None:
        self.code = code
        self.comparison = comparison
        self.passed = passed
        self._describe = describe
        self._details: Details | None = None

    @property
    def details(self) -> Details:
        if self._details is None:
            self._details = self._describe()
        return self._details

    @property
    def figures(self) -> Figures:
        return self.details.figures

    @property
    def value(self) -> str:
        return self.details.value

    @property
    def threshold(self) -> str:
        return self.details.threshold

    @property
    def explanation(self) -> Explanation:
        return self.details.explanation

    def _key(self) -> tuple[str, Comparison, bool, Details]:
        return (self.code, self.comparison, self.passed, self.details)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleResult) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"RuleResult{self._key()!r}"


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
