"""One household under two policies, and the counts of a batch: pure, no database.

The current outcome is what the version in force on D for the household's region decides
(`no_policy` when none is); the new one is what the simulated version decides. Both come
from `rules.assess`, the function the single assessment calls, which begins with
`rules.by_status`: a household its status decides is decided the same under any policy, so
its other inputs need not be read.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.eligibility.rules import Decision, HouseholdInputs, assess, score
from app.eligibility.simulations.states import NO_POLICY
from app.eligibility.terms import PolicyTerms

Transition = tuple[str, str, str]
"""(region code, current outcome, new outcome)."""


@dataclass(frozen=True, slots=True)
class Evaluation:
    household_id: uuid.UUID
    region_code: str
    from_outcome: str
    to_outcome: str
    score: Decimal | None
    """The new priority score, when the new outcome is eligible."""

    @property
    def changes(self) -> bool:
        return self.from_outcome != self.to_outcome

    @property
    def transition(self) -> Transition:
        return (self.region_code, self.from_outcome, self.to_outcome)


def evaluate(
    household_id: uuid.UUID,
    region_code: str,
    known: HouseholdInputs | Decision,
    current: PolicyTerms | None,
    simulated: PolicyTerms,
) -> Evaluation:
    """The household's outcome under both policies, from its inputs, or from the decision its
    status alone made (`rules.by_status`), which is the same under any policy."""
    if isinstance(known, Decision):
        outcome = known.outcome.value
        return Evaluation(
            household_id, region_code, NO_POLICY if current is None else outcome, outcome, None
        )
    inputs = known
    before = NO_POLICY if current is None else assess(inputs, current).outcome.value
    decision = assess(inputs, simulated)
    found = score(inputs, simulated, decision)
    return Evaluation(
        household_id,
        region_code,
        before,
        decision.outcome.value,
        None if found is None else found.total,
    )


def merged_counts(stored: Iterable[Iterable[list[str | int]]]) -> Counter[Transition]:
    """The counts of several lists of stored [region, from, to, count] rows, added up."""
    counts: Counter[Transition] = Counter()
    for listed in stored:
        for region, before, after, count in listed:
            counts[(str(region), str(before), str(after))] += int(count)
    return counts


def rows(counts: Counter[Transition]) -> list[list[str | int]]:
    """Counts as stored: [region, from, to, count] rows, sorted."""
    return [[*key, count] for key, count in sorted(counts.items())]


def totals(stored: Iterable[list[str | int]]) -> list[tuple[str, str, int]]:
    """(from, to, count) over every region, sorted."""
    counts: Counter[tuple[str, str]] = Counter()
    for _, before, after, count in stored:
        counts[(str(before), str(after))] += int(count)
    return [(before, after, count) for (before, after), count in sorted(counts.items())]
