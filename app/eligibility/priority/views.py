"""A row of the priority list as the API shows it."""

from decimal import ROUND_DOWN, Decimal
from typing import Any

from sqlalchemy import Row

from app.eligibility.priority.schemas import PriorityItem
from app.eligibility.rules.score import MICRO
from app.eligibility.score_schemas import FactorPoints

_FEN = Decimal("0.01")


def priority_item(row: Row[Any]) -> PriorityItem:
    per_capita = (Decimal(row.per_capita_micro) / MICRO).quantize(_FEN, rounding=ROUND_DOWN)
    return PriorityItem(
        household_id=row.household_id,
        assessment_id=row.id,
        policy_version_id=row.policy_version_id,
        region_code=row.region_code,
        outcome=row.outcome,
        reference_date=row.reference_date,
        score=row.score,
        per_capita_monthly_income=per_capita,
        member_count=row.member_count,
        accepted=row.accepted_at is not None,
        contributions=[FactorPoints.model_validate(c) for c in row.contributions or []],
    )
