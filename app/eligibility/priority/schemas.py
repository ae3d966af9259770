"""The JSON of the priority list (DOMAIN 5, "Scoring")."""

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from app.core.money import Yuan
from app.eligibility.score_schemas import FactorPoints, Points


class EligibleOutcome(StrEnum):
    """The outcomes a priority score orders."""

    income_poverty = "income_poverty"
    expenditure_poverty = "expenditure_poverty"


class PriorityItem(BaseModel):
    """An eligible household in the order of help, from its current assessment."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e21",
                    "assessment_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e22",
                    "policy_version_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "region_code": "500112001001",
                    "outcome": "expenditure_poverty",
                    "reference_date": "2026-11-20",
                    "score": "71.25",
                    "per_capita_monthly_income": "1200.00",
                    "member_count": 3,
                    "accepted": True,
                    "contributions": [
                        {
                            "factor": "income_gap",
                            "fraction": "0.5000",
                            "weight": 30,
                            "points": "15.00",
                        }
                    ],
                }
            ]
        }
    )

    household_id: uuid.UUID = Field(description="The household.")
    assessment_id: uuid.UUID = Field(description="Its current assessment, which found it eligible.")
    policy_version_id: uuid.UUID = Field(description="The policy version the assessment used.")
    region_code: str = Field(description="The household's region.")
    outcome: EligibleOutcome = Field(description="The new target type the assessment found.")
    reference_date: date = Field(description="The assessment's reference date D.")
    score: Points = Field(description="The priority score, 0 to 100 (two places).")
    per_capita_monthly_income: Yuan = Field(
        description="I/(12n) in yuan, rounded down to the fen (the tie-break after the score "
        "orders by it to a millionth of a yuan, then by household id)."
    )
    member_count: int = Field(description="n, the members on D.")
    accepted: bool = Field(description="Whether the finding is set on the ledger.")
    contributions: list[FactorPoints] = Field(
        description="Each factor's share of the score; the points add up to `score`."
    )
