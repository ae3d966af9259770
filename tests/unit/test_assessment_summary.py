"""The summary sentence of an assessment (pure): the outcome and the rule(s) that decided it,
in Chinese and English, every rule with a name in both languages."""

from decimal import Decimal

import pytest

from app.eligibility.assessments.documents import rule_document
from app.eligibility.assessments.summary import OUTCOMES, RULES, summary
from app.eligibility.rules import HouseholdInputs, Outcome, assess
from app.eligibility.terms import PolicyTerms
from tests.eligibility_inputs import household, limits, line, terms


def _said(inputs: HouseholdInputs, policy: PolicyTerms | None = None) -> dict[str, str]:
    decision = assess(inputs, policy or terms())
    rules = [rule_document(rule) for rule in decision.rules]
    return summary(decision.outcome, rules, list(decision.missing))


def test_every_rule_and_outcome_has_both_names() -> None:
    policy = limits(
        financial_per_capita=Decimal(1000),
        vehicles=0,
        real_estate_units=1,
        real_estate_area_per_capita=Decimal(30),
    )
    codes = {rule.code for rule in assess(household(), policy).rules}
    assert codes <= set(RULES)
    assert set(OUTCOMES) == set(Outcome)
    assert all(zh and en for zh, en in [*RULES.values(), *OUTCOMES.values()])


@pytest.mark.parametrize(
    ("inputs", "zh", "en"),
    [
        (
            household(),
            "收入型贫困。符合：人均月收入不低于低保标准；人均月收入不高于收入型上限",
            "income poverty. Met: per-capita income at least",
        ),
        (
            household(line("1", 1) - Decimal("0.01")),
            "转入低保程序。不符合：人均月收入不低于低保标准。",
            "Not met: per-capita income at least the dibao standard.",
        ),
        (
            household(hukou_region_code="110101"),
            "不符合：户籍在本区。",
            "Not met: hukou in the district.",
        ),
        (household(assets=None), "缺少：assets。", "Missing: assets."),
    ],
    ids=["income", "below-L", "hukou", "missing"],
)
def test_the_decisive_rules_are_named(inputs: HouseholdInputs, zh: str, en: str) -> None:
    said = _said(inputs)

    assert zh in said["zh_cn"]
    assert en in said["en"]


def test_an_eligible_outcome_names_no_rule_of_the_other_type() -> None:
    said = _said(household(rigid=Decimal("30000.00")))

    assert said["en"].startswith("Outcome: expenditure poverty. Met: ")
    assert "income-type ceiling" not in said["en"]
    assert "收入型上限" not in said["zh_cn"]
