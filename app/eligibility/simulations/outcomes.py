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

from app.eligibility.rules import HouseholdInputs, assess, by_status, score
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
    registered_types: frozenset[str],
    inputs: HouseholdInputs | None,
    current: PolicyTerms | None,
    simulated: PolicyTerms,
) -> Evaluation:
    """The household's outcome under both policies. `inputs` may be None only for a household
    its `registered_types` decide (`rules.by_status`)."""
    if (decided := by_status(registered_types)) is not None:
        outcome = decided.outcome.value
        return Evaluation(
            household_id, region_code, NO_POLICY if current is None else outcome, outcome, None
        )
    if inputs is None:
        raise LookupError(household_id)
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


def merged(stored: Iterable[list[str | int]], batch: Counter[Transition]) -> list[list[str | int]]:
    """The stored [region, from, to, count] rows with a batch's counts added, sorted."""
    counts: Counter[Transition] = Counter()
    for region, before, after, count in stored:
        counts[(str(region), str(before), str(after))] += int(count)
    counts.update(batch)
    return [[*key, count] for key, count in sorted(counts.items())]


def totals(stored: Iterable[list[str | int]]) -> list[tuple[str, str, int]]:
    """(from, to, count) over every region, sorted."""
    counts: Counter[tuple[str, str]] = Counter()
    for _, before, after, count in stored:
        counts[(str(before), str(after))] += int(count)
    return [(before, after, count) for (before, after), count in sorted(counts.items())]
