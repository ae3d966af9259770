"""Target-type decisions as the API shows and accepts them (DOMAIN 3-4; Yubei 3(1), 3(2))."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.dates import Day
from app.dictionaries.public import CodeOf

RegisteredType = Literal["dibao", "tekun", "registered_hardship"]
"""The types decided by the existing procedures and recorded by officers; the new types
(`income_poverty`, `expenditure_poverty`) come only from an assessment."""
EndReason = Annotated[str, CodeOf("target_type_decision_end_reason")]
TargetType = Annotated[str, CodeOf("target_type")]
Source = Annotated[str, CodeOf("target_type_source")]
Stripped = StringConstraints(strip_whitespace=True, min_length=1)

_EXAMPLE_IN: dict[str, Any] = {
    "target_type": "dibao",
    "deciding_body": "双龙湖街道办事处",
    "decided_on": "2026-03-15",
    "reference": "双龙湖街低保〔2026〕12号",
    "ends_on": "2027-03-14",
}


DECISION_EXAMPLE: dict[str, Any] = {
    **_EXAMPLE_IN,
    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e21",
    "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
    "source": "recorded_by_staff",
    "assessment_id": None,
    "recorded_by": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e14",
    "recorded_at": "2026-11-23T08:00:00Z",
    "ended_on": None,
    "end_reason": None,
    "end_note": None,
    "ended_by": None,
    "ended_at": None,
    "in_force": True,
}
"""A decision as the API shows it, for the examples of the contract."""


class DecisionIn(BaseModel):
    """A decision of the dibao, tekun or registered-hardship procedure, as its paper says."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE_IN]})

    target_type: RegisteredType = Field(
        description="`dibao`, `tekun` or `registered_hardship` (dictionary `target_type`); "
        "the new types come only from an assessment."
    )
    deciding_body: Annotated[str, Stripped, StringConstraints(max_length=100)] = Field(
        description="The body that decided (审批机关), e.g. the street office or the district "
        "civil-affairs bureau."
    )
    decided_on: Day = Field(description="Date of the decision; not in the future.")
    reference: Annotated[str, Stripped, StringConstraints(max_length=64)] = Field(
        description="Reference number of the decision (文号 or 证号)."
    )
    ends_on: Day | None = Field(
        default=None,
        description="Last day the decision holds, if it has a term (e.g. the next review); "
        "not before `decided_on`. After it the decision is no longer in force.",
    )


class DecisionEnd(BaseModel):
    """Ending a decision: from when and why."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"ended_on": "2026-11-30", "reason": "terminated", "note": "收入超标停保"}]
        },
    )

    ended_on: Day = Field(
        description="The day the decision ended: from it on it no longer holds. Not before it "
        "was decided, not in the future."
    )
    reason: EndReason = Field(description="Dictionary `target_type_decision_end_reason`.")
    note: str | None = Field(default=None, max_length=2000, description="Details.")


class DecisionOut(BaseModel):
    """A target-type decision; `in_force` says whether it gives the household its type today."""

    model_config = ConfigDict(json_schema_extra={"examples": [DECISION_EXAMPLE]})

    id: uuid.UUID = Field(description="Decision id.")
    household_id: uuid.UUID = Field(description="The household it concerns.")
    target_type: TargetType = Field(description="Dictionary `target_type`.")
    source: Source = Field(
        description="Dictionary `target_type_source`: `recorded_by_staff` (an officer recorded "
        "the decision), `assessment` (an eligibility assessment) or `legacy` (entered before "
        "decisions were recorded: body, date and reference unknown)."
    )
    deciding_body: str | None = Field(description="The body that decided; null when unknown.")
    decided_on: date | None = Field(description="Date of the decision; null when unknown.")
    reference: str | None = Field(description="Reference number; null when unknown.")
    ends_on: date | None = Field(description="Last day of its term, if it has one.")
    assessment_id: uuid.UUID | None = Field(description="The assessment that decided it, if any.")
    recorded_by: uuid.UUID | None = Field(description="User who recorded it; null when unknown.")
    recorded_at: datetime = Field(description="When it was recorded.")
    ended_on: date | None = Field(description="The day it ended (no longer held), once ended.")
    end_reason: EndReason | None = Field(
        description="Dictionary `target_type_decision_end_reason`, once ended."
    )
    end_note: str | None = Field(description="Details of the end.")
    ended_by: uuid.UUID | None = Field(description="User who ended it (null: the system).")
    ended_at: datetime | None = Field(description="When the end was recorded.")
    in_force: bool = Field(
        description="Whether it gives the household its target type today (decided, not "
        "ended, term not over)."
    )
