"""assess(): the outcome of DOMAIN 5 for one household on D, rule by rule.

Order: a registered household (dibao, tekun, registered hardship) is `already_registered`
and not re-decided; then any missing input gives `cannot_assess` with the inputs named;
then every rule is evaluated (all of them, so the answer shows each line) and the outcome
read from them: below L `refer_to_dibao` (whatever else holds: the dibao procedure decides
its own conditions), else the income type, else the expenditure type, else `not_eligible`.
"""

from decimal import Decimal

from app.eligibility.rules import checks
from app.eligibility.rules.assets import asset_rules, missing_details
from app.eligibility.rules.calendar import window
from app.eligibility.rules.exact import total
from app.eligibility.rules.inputs import REGISTERED_TYPES, HouseholdInputs
from app.eligibility.rules.results import Decision, Outcome, RuleResult
from app.eligibility.terms import PolicyTerms


def missing_inputs(inputs: HouseholdInputs, terms: PolicyTerms) -> list[str]:
    """Stable keys of what the rules need and the household lacks, in this order: `members`,
    `incomes.YYYY-MM` (oldest first), `hukou`, `residency`, `assets`, then the asset
    details a set limit needs (`assets.<kind>.<field>`)."""
    missing = [] if inputs.members else ["members"]
    missing += [
        f"incomes.{month:%Y-%m}"
        for month in window(inputs.reference_date)
        if month not in inputs.income_by_month
    ]
    if inputs.hukou_region_code is None:
        missing.append("hukou")
    if inputs.lived_in_city_since is None:
        missing.append("residency")
    if inputs.assets is None:
        missing.append("assets")
    else:
        missing += missing_details(inputs.assets, terms.asset_limits)
    return missing


def income_total(inputs: HouseholdInputs) -> Decimal:
    """I: the household's income over the window months (all recorded)."""
    return total(inputs.income_by_month[month] for month in window(inputs.reference_date))


def rigid_total(inputs: HouseholdInputs, terms: PolicyTerms) -> Decimal:
    """R: the window's rigid expenditure over the kinds the policy counts."""
    return total(
        amount for kind, amount in sorted(inputs.rigid_by_kind.items()) if kind in terms.rigid_kinds
    )


def by_status(registered_types: frozenset[str]) -> Decision | None:
    """The decision a household's status alone makes, under any policy: a household holding a
    registered type on D is `already_registered` (in scope by that status, not re-decided);
    None when the rules must read the rest of its inputs. `assess` begins with it, and the
    simulation reads nothing more of a household it decides."""
    status = checks.non_registered(registered_types, REGISTERED_TYPES)
    return None if status.passed else Decision(Outcome.already_registered, (status,))


def assess(inputs: HouseholdInputs, terms: PolicyTerms) -> Decision:
    """The decision on `inputs.reference_date` under `terms` (DOMAIN 5).

    Raises ValueError for a policy whose dibao standard is not positive: with L = 0 every
    income would clear the floor, so such terms are a policy error, not an outcome. With
    L > 0, I = 0 is below L (per capita 0 < L) and refers to dibao; R against 1.5·0 = 0 is
    still shown (the expenditure-type ratio passes for any R >= 0)."""
    if terms.dibao_standard <= 0:
        raise ValueError("the dibao standard L must be positive")
    if (decided := by_status(inputs.registered_types)) is not None:
        return decided
    status = checks.non_registered(inputs.registered_types, REGISTERED_TYPES)
    if missing := missing_inputs(inputs, terms):
        return Decision(Outcome.cannot_assess, (status,), tuple(missing))
    assert inputs.hukou_region_code is not None
    assert inputs.lived_in_city_since is not None
    assert inputs.assets is not None
    n = len(inputs.members)
    income = income_total(inputs)
    rigid = rigid_total(inputs, terms)
    floor = checks.income_floor(terms, income, n)
    income_type = (
        checks.income_type_ceiling(terms, income, n),
        checks.income_type_rigid_ratio(terms, rigid, income),
    )
    expenditure_type = (
        checks.expenditure_type_ceiling(terms, income, n),
        checks.expenditure_type_rigid_ratio(terms, rigid, income),
    )
    common = (
        checks.hukou_in_district(inputs.hukou_region_code, inputs.district_code),
        checks.residency(terms, inputs.lived_in_city_since, inputs.reference_date),
        *asset_rules(inputs.assets, terms.asset_limits, n),
    )
    rules = (status, floor, *income_type, *expenditure_type, *common)
    return Decision(
        _outcome(floor, income_type, expenditure_type, common), rules, (), n, income, rigid
    )


def _outcome(
    floor: RuleResult,
    income_type: tuple[RuleResult, ...],
    expenditure_type: tuple[RuleResult, ...],
    common: tuple[RuleResult, ...],
) -> Outcome:
    if not floor.passed:
        return Outcome.refer_to_dibao
    if all(r.passed for r in common):
        if all(r.passed for r in income_type):
            return Outcome.income_poverty
        if all(r.passed for r in expenditure_type):
            return Outcome.expenditure_poverty
    return Outcome.not_eligible
