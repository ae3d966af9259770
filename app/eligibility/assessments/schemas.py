"""The JSON of assessments (DOMAIN 5): what is sent, what is answered."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from app.core.dates import Day
from app.core.field_messages import field_error
from app.core.money import Yuan
from app.eligibility.rules import Outcome
from app.eligibility.score_schemas import ContributionOut, Points

EXAMPLE_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31"
EXAMPLE_HOUSEHOLD = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e32"
EXAMPLE_USER = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12"
EXAMPLE_RULE: dict[str, JsonValue] = {
    "code": "income_type_ceiling",
    "figures": {
        "income_total": "24000.00",
        "member_count": "2",
        "dibao_standard": "720.00",
        "multiplier": "2",
    },
    "value": "24000.00",
    "comparison": "<=",
    "threshold": "34560.00",
    "passed": True,
    "explanation": {
        "zh_cn": "申请之月前12个月家庭收入 24000.00 元，2 人，人均月收入 1000.00 元；须不高于"
        "低保标准 720.00 元的 2 倍，即家庭收入不高于 2×720.00×12×2 = 34560.00 元：符合。",
        "en": "Household income over the 12 months before the month of application 24000.00 "
        "yuan, 2 member(s), 1000.00 yuan per person per month; it must be at most 2 times the "
        "dibao standard 720.00 yuan, i.e. income at most 2×720.00×12×2 = 34560.00 yuan: met.",
    },
}
EXAMPLE_SUMMARY: dict[str, JsonValue] = {
    "zh_cn": "结论：收入型贫困。依据：收入不低于低保标准；收入不高于收入型上限；刚性支出低于收入的"
    "规定倍数；户籍在本区；在城市居住年限；家庭财产。",
    "en": "Outcome: income poverty. Decided by: income at least the dibao standard; income at "
    "most the income-type ceiling; rigid expenditure below the ratio to income; hukou in the "
    "district; years of residence; family assets.",
}


EXAMPLE_ITEM: dict[str, JsonValue] = {
    "id": EXAMPLE_ID,
    "household_id": EXAMPLE_HOUSEHOLD,
    "application_id": None,
    "reference_date": "2026-11-15",
    "policy_version_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
    "outcome": "income_poverty",
    "missing": [],
    "score": "63.50",
    "current": True,
    "superseded_by": None,
    "accepted_at": None,
    "created_at": "2026-11-16T09:00:00+08:00",
    "created_by": EXAMPLE_USER,
    "summary": EXAMPLE_SUMMARY,
}


class AssessmentIn(BaseModel):
    """What to assess: an application of the household (D is its date) or a re-check on a
    named reference date; exactly one of the two."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reference_date": "2026-11-15"}]}
    )

    application_id: uuid.UUID | None = Field(
        default=None,
        description="An application of this household, under investigation or assessed: D is "
        "its `applied_on`. A conclusive assessment moves an application under investigation "
        "to `assessed`.",
    )
    reference_date: Day | None = Field(
        default=None,
        description="A re-check outside an application: the reference date D (not in the "
        "future, Asia/Shanghai business date).",
    )

    @model_validator(mode="after")
    def _one_subject(self) -> "AssessmentIn":
        if (self.application_id is None) == (self.reference_date is None):
            raise field_error("application_or_date")
        return self


class Bilingual(BaseModel):
    """The same sentence in simplified Chinese and English."""

    zh_cn: str = Field(description="Simplified Chinese.")
    en: str = Field(description="English.")


class RuleOut(BaseModel):
    """One rule as evaluated: `value` compared with `threshold` by `comparison`."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_RULE]})

    code: str = Field(
        description="The rule: non_registered, income_floor, income_type_ceiling, "
        "income_type_rigid_ratio, expenditure_type_ceiling, expenditure_type_rigid_ratio, "
        "hukou_in_district, residency, assets_* (the asset limits the policy sets)."
    )
    figures: dict[str, str] = Field(
        description="The inputs `value` and `threshold` were computed from, each an exact "
        "decimal or text."
    )
    value: str = Field(description="The household's figure.")
    comparison: str = Field(description="`>=`, `<=`, `<`, `starts_with` or `none_of`.")
    threshold: str = Field(description="The line it is compared with (exact, never rounded).")
    passed: bool = Field(description="Whether the rule is met.")
    explanation: Bilingual = Field(description="The rule with its figures, in both languages.")


class AssessmentSummary(BaseModel):
    """An assessment in a household's history."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_ITEM]})

    id: uuid.UUID = Field(description="Assessment id.")
    household_id: uuid.UUID = Field(description="The household assessed.")
    application_id: uuid.UUID | None = Field(
        description="The application assessed; null for a re-check."
    )
    reference_date: date = Field(description="D: the window, policy and residency date.")
    policy_version_id: uuid.UUID = Field(description="The policy version in force on D.")
    outcome: Outcome = Field(
        description="already_registered, cannot_assess, refer_to_dibao, income_poverty, "
        "expenditure_poverty or not_eligible."
    )
    missing: list[str] = Field(
        description="`cannot_assess`: stable keys of the missing inputs (members, "
        "incomes.YYYY-MM, hukou, residency, assets, assets.<kind>.<field>); else empty."
    )
    score: Points | None = Field(
        description="Priority score 0..100, for income and expenditure poverty only."
    )
    current: bool = Field(description="Not superseded by a newer assessment of the household.")
    superseded_by: uuid.UUID | None = Field(description="The newer assessment, if any.")
    accepted_at: datetime | None = Field(description="When its finding was set on the ledger.")
    created_at: datetime = Field(description="When it was stored.")
    created_by: uuid.UUID | None = Field(description="Who ran it.")
    summary: Bilingual = Field(description="The outcome and the decisive rule(s).")


class AssessmentOut(AssessmentSummary):
    """An assessment with every input figure and every rule (immutable once stored)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **EXAMPLE_ITEM,
                    "policy_version_name": "渝北区城市低保标准（演示）",
                    "policy_version_version": 2,
                    "member_count": 2,
                    "income_total": "24000.00",
                    "rigid_total": "1200.00",
                    "per_capita_micro": 1000000000,
                    "inputs": {"reference_date": "2026-11-15", "members": []},
                    "rules": [EXAMPLE_RULE],
                    "contributions": [
                        {
                            "factor": "income_gap",
                            "figures": {"income_total": "24000.00"},
                            "fraction": "0.6111",
                            "weight": 30,
                            "points": "18.33",
                        }
                    ],
                    "fingerprint": "9f2c" + "0" * 60,
                    "accepted_by": None,
                    "inputs_changed_since": False,
                }
            ]
        }
    )

    policy_version_name: str = Field(description="The policy version's name.")
    policy_version_version: int = Field(description="The policy version's version number.")
    member_count: int | None = Field(description="n: members on D (null when not reached).")
    income_total: Yuan | None = Field(description="I: income over the window, yuan.")
    rigid_total: Yuan | None = Field(
        description="R: rigid expenditure over the window, of the kinds the policy counts."
    )
    per_capita_micro: int | None = Field(
        description="Eligible outcomes: I/(12n) in millionths of a yuan, rounded down (the "
        "priority list's tie-break)."
    )
    inputs: dict[str, Any] = Field(
        description="Every input figure as read on D: members (their age on D, not their birth "
        "date; health, disability grade, employment), income per window month, rigid "
        "expenditure per kind, assets (null: never declared), hukou region, district, living "
        "in the city since, target types held on D."
    )
    rules: list[RuleOut] = Field(description="Every rule evaluated, in a fixed order.")
    contributions: list[ContributionOut] | None = Field(
        description="The score's factors, for eligible outcomes; else null."
    )
    fingerprint: str = Field(description="sha256 of the canonical inputs.")
    accepted_by: uuid.UUID | None = Field(description="Who accepted it.")
    inputs_changed_since: bool = Field(
        description="Whether the ledger's inputs for the household on D differ now from those "
        "the assessment read (gathered again on each read)."
    )
