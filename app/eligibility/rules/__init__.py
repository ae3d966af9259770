"""The eligibility rules of DOMAIN 5 (Yubei 3(2)) as pure functions, independent of the
database: the single assessment and the simulation both call these, so they cannot disagree.

- `HouseholdInputs` (with `Member`, `AssetFacts`): what one household brings on D;
- `assess(inputs, terms) -> Decision`: the outcome and every rule with its figures;
  `by_status(types)`: the decision a registered household's status alone makes;
- `score(inputs, terms, decision) -> Score | None` and `priority_key`: the order of help;
- `fingerprint(inputs)`: a digest that changes when any input does.
"""

from app.eligibility.rules.calendar import anniversary, completed_years, window
from app.eligibility.rules.decide import assess, by_status, missing_inputs
from app.eligibility.rules.fingerprint import canonical, fingerprint
from app.eligibility.rules.inputs import (
    REGISTERED_TYPES,
    AssetFacts,
    AssetKind,
    HouseholdInputs,
    Member,
)
from app.eligibility.rules.results import (
    ELIGIBLE,
    Comparison,
    Decision,
    Explanation,
    Outcome,
    RuleResult,
)
from app.eligibility.rules.score import (
    Contribution,
    PriorityKey,
    Score,
    per_capita_micro,
    priority_key,
    score,
)

__all__ = [
    "ELIGIBLE",
    "REGISTERED_TYPES",
    "AssetFacts",
    "AssetKind",
    "Comparison",
    "Contribution",
    "Decision",
    "Explanation",
    "HouseholdInputs",
    "Member",
    "Outcome",
    "PriorityKey",
    "RuleResult",
    "Score",
    "anniversary",
    "assess",
    "by_status",
    "canonical",
    "completed_years",
    "fingerprint",
    "missing_inputs",
    "per_capita_micro",
    "priority_key",
    "score",
    "window",
]
