"""Shaping target-type decisions for the API."""

from datetime import date

from app.households.decisions import rules
from app.households.decisions.schemas import DecisionOut
from app.households.models import TargetTypeDecision


def decision_out(decision: TargetTypeDecision, today: date) -> DecisionOut:
    return DecisionOut(
        id=decision.id,
        household_id=decision.household_id,
        target_type=decision.target_type,
        source=decision.source,
        deciding_body=decision.deciding_body,
        decided_on=decision.decided_on,
        reference=decision.reference,
        ends_on=decision.ends_on,
        assessment_id=decision.assessment_id,
        recorded_by=decision.recorded_by,
        recorded_at=decision.recorded_at,
        ended_on=decision.ended_on,
        end_reason=decision.end_reason,
        end_note=decision.end_note,
        ended_by=decision.ended_by,
        ended_at=decision.ended_at,
        in_force=rules.in_force(decision, today),
    )
