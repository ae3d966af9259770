"""Rules of target-type decisions that need no database (DOMAIN 3-4; Yubei 3(1), 3(2)).

- `dibao`, `tekun` and `registered_hardship` are recorded from the decisions of
  the existing procedures (Yubei 3(2)); the pilot covers them when they hold
  urban hukou: "在现有的具有城市户籍的低保对象、特困人员和民政特殊困难建档家庭基础上"
  (Yubei 3(1)), and 3(2) names each as 城市户籍的低保对象, 城市特困人员 and
  城市民政特殊困难建档家庭. So all three need urban hukou.
- `income_poverty` and `expenditure_poverty` are for 非建档家庭 only (Yubei 3(1)):
  households holding none of the three; they come from an assessment, which
  also checks their own hukou rule (渝北区户籍, in the district).
- A household is not dibao and tekun at once (issue 13): a person under state
  support (特困供养) is not also on the minimum living allowance.
"""

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from app.core.errors import ValidationFailed

Loc = list[str | int]

REGISTERED_TYPES = frozenset({"dibao", "tekun", "registered_hardship"})
"""Decided by the existing procedures, recorded by street or district officers."""
ASSESSED_TYPES = frozenset({"income_poverty", "expenditure_poverty"})
"""Decided by an eligibility assessment (DOMAIN 5), for households holding no registered type."""
URBAN_HUKOU_TYPES = REGISTERED_TYPES
"""The types that require urban hukou (Yubei 3(1), 3(2))."""
EXCLUSIVE = frozenset({"dibao", "tekun"})
"""Types a household does not hold together."""


class Dated(Protocol):
    @property
    def decided_on(self) -> date | None: ...

    @property
    def ends_on(self) -> date | None: ...

    @property
    def ended_on(self) -> date | None: ...


def in_force(decision: Dated, today: date) -> bool:
    """A decision gives its type on `today` when it is decided (a legacy one, of unknown date,
    counts as decided), not ended (`ended_on` is the first day it no longer holds), and its
    term, if any, is not over (`ends_on` is its last day)."""
    if decision.decided_on is not None and decision.decided_on > today:
        return False
    if decision.ended_on is not None and decision.ended_on <= today:
        return False
    return decision.ends_on is None or decision.ends_on >= today


def check_dates(decided_on: date, ends_on: date | None, today: date, loc: Loc) -> None:
    """A decision is not dated in the future, and its term does not end before it begins."""
    if decided_on > today:
        raise ValidationFailed.at([*loc, "decided_on"], "date_in_future")
    if ends_on is not None and ends_on < decided_on:
        raise ValidationFailed.at([*loc, "ends_on"], "too_early", earliest="decided_on")


def check_end(decided_on: date | None, ended_on: date, today: date, loc: Loc) -> None:
    """A decision ends no earlier than it was decided and not in the future."""
    if ended_on > today:
        raise ValidationFailed.at([*loc, "ended_on"], "date_in_future")
    if decided_on is not None and ended_on < decided_on:
        raise ValidationFailed.at([*loc, "ended_on"], "too_early", earliest="decided_on")


def check_urban_hukou(target_type: str, hukou_type: str | None, loc: Loc) -> None:
    """dibao, tekun and registered hardship need urban hukou (Yubei 3(1), 3(2))."""
    if target_type in URBAN_HUKOU_TYPES and hukou_type != "urban":
        raise ValidationFailed.at(loc, "urban_hukou_required", target_type=target_type)


def excluded_by(target_type: str, held: Iterable[str]) -> str | None:
    """The type held that excludes `target_type` (dibao and tekun), if any."""
    if target_type not in EXCLUSIVE:
        return None
    return next((t for t in held if t in EXCLUSIVE and t != target_type), None)


def check_with_held(target_type: str, held: Iterable[str], loc: Loc) -> None:
    """A type is held once at a time, and dibao and tekun not together (422, as a body that
    contradicts itself at creation would be)."""
    types = list(held)
    if target_type in types:
        raise ValidationFailed.at(loc, "target_type_in_force", target_type=target_type)
    other = excluded_by(target_type, types)
    if other is not None:
        raise ValidationFailed.at(
            loc, "target_types_exclusive", target_type=target_type, other=other
        )


class NewDecision(Protocol):
    @property
    def target_type(self) -> str: ...

    @property
    def decided_on(self) -> date: ...

    @property
    def ends_on(self) -> date | None: ...


def check_new_household(
    decisions: Iterable[NewDecision], hukou_type: str | None, today: date, loc: Loc
) -> None:
    """The decisions a new household is entered with: each dated sensibly, of urban hukou,
    and together holding each type once and not dibao with tekun."""
    held: list[str] = []
    for index, decision in enumerate(decisions):
        at: Loc = [*loc, index]
        check_dates(decision.decided_on, decision.ends_on, today, at)
        check_urban_hukou(decision.target_type, hukou_type, [*at, "target_type"])
        if decision.ends_on is None or decision.ends_on >= today:
            check_with_held(decision.target_type, held, [*at, "target_type"])
            held.append(decision.target_type)
