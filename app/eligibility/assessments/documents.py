"""What an assessment stores, as JSON documents (pure): the inputs as read on D, each rule
and each score factor. Written once; an assessment's figures never change."""

import json
from datetime import date
from typing import Any

from app.eligibility.rules import (
    Contribution,
    HouseholdInputs,
    RuleResult,
    canonical,
    completed_years,
)


def inputs_document(inputs: HouseholdInputs) -> dict[str, Any]:
    """Every input figure in the fingerprint's canonical form, but each member's age on D
    (周岁) in place of the birth date: what the rules read, and no more personal data."""
    document: dict[str, Any] = json.loads(canonical(inputs))
    document.pop("version")
    document["members"] = [_member(member, inputs.reference_date) for member in document["members"]]
    return document


def _member(member: dict[str, Any], reference_date: date) -> dict[str, Any]:
    born = date.fromisoformat(member.pop("birth_date"))
    return {**member, "age": completed_years(born, reference_date)}


def rule_document(rule: RuleResult) -> dict[str, Any]:
    return {
        "code": rule.code,
        "figures": dict(rule.figures),
        "value": rule.value,
        "comparison": rule.comparison.value,
        "threshold": rule.threshold,
        "passed": rule.passed,
        "explanation": {"zh_cn": rule.explanation.zh_cn, "en": rule.explanation.en},
    }


def contribution_document(contribution: Contribution) -> dict[str, Any]:
    return {
        "factor": contribution.factor.value,
        "figures": dict(contribution.figures),
        "fraction": f"{contribution.fraction:f}",
        "weight": contribution.weight,
        "points": f"{contribution.points:.2f}",
    }
