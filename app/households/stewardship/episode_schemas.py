"""Exit proposals, re-entry and episodes (stays in the ledger) as the API shows and accepts them."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.dates import Day
from app.dictionaries.public import CodeOf

_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
ExitBasis = Annotated[str, CodeOf("exit_basis")]
ProposalStatus = Literal["proposed", "confirmed", "rejected"]


class ExitBasisIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ExitBasis = Field(
        description="What the exit rests on (dictionary `exit_basis`: a follow-up visit or a "
        "re-check of information, Beijing 5).",
    )
    on: Day = Field(description="When that visit or re-check took place; not in the future.")
    note: str | None = Field(default=None, max_length=2000, description="What it found.")


class ExitBasisOut(BaseModel):
    code: ExitBasis = Field(description="Dictionary `exit_basis`.")
    on: date = Field(description="When the visit or re-check took place.")
    note: str | None = Field(description="What it found.")


class ExitProposalIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reason": "out_of_hardship",
                    "note": "家庭成员已稳定就业。",
                    "basis": {
                        "code": "follow_up_visit",
                        "on": "2026-11-28",
                        "note": "入户回访：两人在岗，收入稳定。",
                    },
                }
            ]
        },
    )

    reason: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,63}$", description="Why it leaves (dictionary `exit_reason`)."
    )
    exit_on: Day | None = Field(
        default=None,
        description="Day it leaves once confirmed; default today; not in the future, not "
        "before its current stay began.",
    )
    note: str | None = Field(default=None, max_length=2000, description="Details.")
    basis: ExitBasisIn = Field(description="The follow-up visit or re-check it rests on.")


class ExitRejectionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "回访记录不完整，请补充后再提。"}]},
    )

    reason: str = Field(min_length=1, max_length=2000, description="Why the street refuses it.")


class ExitProposalOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "household_id": _ID,
                    "status": "proposed",
                    "reason": "out_of_hardship",
                    "exit_on": "2026-11-30",
                    "note": "家庭成员已稳定就业。",
                    "basis": {"code": "follow_up_visit", "on": "2026-11-28", "note": None},
                    "proposed_by": _ID,
                    "proposed_at": "2026-11-30T08:00:00Z",
                    "decided_by": None,
                    "decided_at": None,
                    "rejection_reason": None,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Proposal id.")
    household_id: uuid.UUID = Field(description="Household id.")
    status: ProposalStatus = Field(description="`proposed`, `confirmed` or `rejected`.")
    reason: str = Field(description="Dictionary `exit_reason`.")
    exit_on: date = Field(description="Day the household leaves once confirmed.")
    note: str | None = Field(description="Details.")
    basis: ExitBasisOut = Field(description="The follow-up visit or re-check it rests on.")
    proposed_by: uuid.UUID | None = Field(description="Who proposed it.")
    proposed_at: datetime = Field(description="When.")
    decided_by: uuid.UUID | None = Field(description="The street officer who decided it.")
    decided_at: datetime | None = Field(description="When it was decided.")
    rejection_reason: str | None = Field(description="Why it was rejected, if it was.")


class ReentryIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "hardship_again", "note": "复核发现再次陷入困境。"}]
        },
    )

    reason: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="Why it comes back (dictionary `entry_reason`, not `first_registration`).",
    )
    entered_on: Day | None = Field(
        default=None,
        description="Day it re-enters; default today; not in the future, not before it left.",
    )
    note: str | None = Field(default=None, max_length=2000, description="Details.")


class EpisodeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "household_id": _ID,
                    "entered_on": "2026-01-05",
                    "entry_reason": "first_registration",
                    "entry_note": None,
                    "entered_by": _ID,
                    "exited_on": "2026-11-30",
                    "exit_reason": "out_of_hardship",
                    "exit_note": "家庭成员已稳定就业。",
                    "exit_proposal_id": _ID,
                    "exit_basis": {"code": "follow_up_visit", "on": "2026-11-28", "note": None},
                    "proposed_by": _ID,
                    "confirmed_by": _ID,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Episode id.")
    household_id: uuid.UUID = Field(description="Household id.")
    entered_on: date = Field(description="Day the stay began.")
    entry_reason: str = Field(
        description="Dictionary `entry_reason`: `first_registration` for the first stay."
    )
    entry_note: str | None = Field(description="Details of the entry.")
    entered_by: uuid.UUID | None = Field(description="Who entered or re-entered it.")
    exited_on: date | None = Field(description="Day the stay ended; null while it lasts.")
    exit_reason: str | None = Field(description="Dictionary `exit_reason`, once ended.")
    exit_note: str | None = Field(description="Details of the exit.")
    exit_proposal_id: uuid.UUID | None = Field(
        description="The confirmed proposal that ended it (null for exits migrated from "
        "before proposals)."
    )
    exit_basis: ExitBasisOut | None = Field(description="What the exit rested on.")
    proposed_by: uuid.UUID | None = Field(description="Who proposed the exit.")
    confirmed_by: uuid.UUID | None = Field(description="The street officer who confirmed it.")
