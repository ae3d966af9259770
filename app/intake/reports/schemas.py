"""Discovery reports as the API accepts and shows them (DOMAIN 6)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.dates import Day
from app.core.examples import EXAMPLE_ID_NUMBER
from app.core.id_numbers import IdNumberText
from app.core.region_codes import CODE_PATTERN
from app.dictionaries.public import CodeOf
from app.intake.reports.states import ReportStatus, ReportStep

Urgency = Annotated[str, CodeOf("urgency")]
Category = Annotated[str, CodeOf("vulnerability_category")]
HardshipKind = Annotated[str, CodeOf("hardship_event")]
Channel = Annotated[str, CodeOf("discovery_channel")]
OpenCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
"""A code of an extensible table (`need`, `discovery_dismissal_reason`): checked against
the dictionary."""
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Text = Note
"""Stripped before the length check, so a blank text is refused rather than stored empty."""
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
_OTHER_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12"


class DiscoveryReportIn(BaseModel):
    """A lead about someone noticed in hardship (主动发现)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "region_code": "500112001001002",
                    "noticed_on": "2026-12-01",
                    "subject_name": "王德明",
                    "id_number": EXAMPLE_ID_NUMBER,
                    "address": "百果园小区 3 栋 2 单元 501",
                    "situation": "独居老人，近日摔伤卧床，无人照料。",
                    "urgency": "urgent",
                    "category_guesses": ["elderly_in_distress"],
                    "hardship_kind": "incident",
                    "needs": ["care"],
                }
            ]
        },
    )

    region_code: str = Field(
        pattern=CODE_PATTERN,
        description="Community or grid where the person was noticed, within your scope (a "
        "grid worker: its own grid).",
    )
    noticed_on: Day = Field(
        description="The day the hardship was learned of (not in the future): the deadlines "
        "count from it, not from filing."
    )
    subject_name: Name | None = Field(default=None, description="The person's name, if known.")
    id_number: IdNumberText | None = Field(
        default=None,
        description="The person's ID number, if known. Only roles that see ID numbers whole "
        "may give one (a grid worker gets 403); it spends one of the account's lookups of the "
        "minute and is stored sealed.",
    )
    address: Address = Field(description="Where the person lives or was found.")
    situation: Text = Field(description="What was noticed, for the triaging officer.")
    urgency: Urgency = Field(description="Code of `urgency`.")
    category_guesses: list[Category] = Field(
        default_factory=list,
        max_length=6,
        description="Codes of `vulnerability_category` the person seems to fall in; elderly, "
        "children or disabled people start the screening deadline once investigated.",
    )
    hardship_kind: HardshipKind | None = Field(
        default=None,
        description="Code of `hardship_event` (major illness, incident, other hardship): opens "
        "the home-visit (1 working day) and ledger (2 working days) deadlines from "
        "`noticed_on` (Yubei 3(5)).",
    )
    needs: list[OpenCode] = Field(
        default_factory=list, max_length=20, description="Codes of the `need` dictionary."
    )


class LinkIn(BaseModel):
    """The report is about a household already in the ledger."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"household_id": _ID, "note": "即在册家庭户主。"}]},
    )

    household_id: uuid.UUID = Field(description="An active household in your reach.")
    note: Note | None = Field(default=None, description="Why this household.")


class DismissIn(BaseModel):
    """The report needs no help from the ledger."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "not_in_hardship", "note": "经入户核实，家庭收入稳定。"}]
        },
    )

    reason: OpenCode = Field(
        description="A code of the `discovery_dismissal_reason` dictionary; `other` needs a note."
    )
    note: Note | None = Field(default=None, description="Details.")


class InvestigateIn(BaseModel):
    """The basic investigation (摸排) of the person was made."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"basic_investigation_on": "2026-12-02"}]},
    )

    basic_investigation_on: Day = Field(
        description="The day of the basic investigation (not in the future, not before "
        "`noticed_on`): with elderly, children or disabled people among the category guesses, "
        "the ledger deadline is 3 working days after it (Beijing 2)."
    )


class LikelyDuplicateOut(BaseModel):
    household_id: uuid.UUID = Field(
        description="The active household of the same ID number (in the street) or the same "
        "address (in the community) found when the report was filed."
    )


class DiscoveryReportOut(BaseModel):
    """A discovery report as the caller may see it.

    Roles that see personal data masked (grid workers, auditors without a grant) get the
    name, ID number, address and situation masked, and never `likely_duplicate` nor the
    household it was linked to: a filer learns that its report is under review and how
    the review ended, nothing of which household matched."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "version": 1,
                    "status": "submitted",
                    "allowed_actions": ["investigate", "link", "dismiss"],
                    "region_code": "500112001001002",
                    "channel": "community",
                    "filed_by": _OTHER_ID,
                    "filed_at": "2026-12-01T02:00:00Z",
                    "noticed_on": "2026-12-01",
                    "subject_name": "王德明",
                    "id_number": EXAMPLE_ID_NUMBER,
                    "address": "百果园小区 3 栋 2 单元 501",
                    "situation": "独居老人，近日摔伤卧床，无人照料。",
                    "urgency": "urgent",
                    "category_guesses": ["elderly_in_distress"],
                    "hardship_kind": "incident",
                    "needs": ["care"],
                    "likely_duplicate": None,
                    "household_id": None,
                    "basic_investigation_on": None,
                    "triaged_by": None,
                    "triaged_at": None,
                    "dismissal_reason": None,
                    "triage_note": None,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Discovery report id.")
    version: int = Field(description="Goes up with every action; the ETag.")
    status: ReportStatus = Field(description="Code of `discovery_report_status`.")
    allowed_actions: list[ReportStep] = Field(
        description="The triage actions the caller may take now (its state and role); "
        "`convert` is taken by filing an application that names the report."
    )
    region_code: str = Field(description="Community or grid where the person was noticed.")
    channel: Channel = Field(description="Code of `discovery_channel`, from the filer's role.")
    filed_by: uuid.UUID = Field(description="User id of the filer.")
    filed_at: datetime = Field(description="When the report was filed.")
    noticed_on: date = Field(description="The day the hardship was learned of.")
    subject_name: str | None = Field(description="The person's name (masked for some roles).")
    id_number: str | None = Field(description="The person's ID number (masked for some roles).")
    address: str = Field(description="Where the person lives (masked for some roles).")
    situation: str = Field(description="What was noticed (masked for some roles).")
    urgency: Urgency = Field(description="Code of `urgency`.")
    category_guesses: list[Category] = Field(description="Codes of `vulnerability_category`.")
    hardship_kind: HardshipKind | None = Field(description="Code of `hardship_event`.")
    needs: list[str] = Field(description="Codes of the `need` dictionary.")
    likely_duplicate: LikelyDuplicateOut | None = Field(
        description="The active household the report likely duplicates; only for roles that "
        "see personal data whole and reach that household, null for the others whatever was "
        "found."
    )
    household_id: uuid.UUID | None = Field(
        description="The household it was linked to or turned into an application for; null "
        "for roles that see personal data masked or do not reach that household."
    )
    basic_investigation_on: date | None = Field(
        description="The day of the basic investigation (摸排), once recorded."
    )
    triaged_by: uuid.UUID | None = Field(description="User id of whoever triaged it.")
    triaged_at: datetime | None = Field(description="When it was triaged.")
    dismissal_reason: str | None = Field(
        description="Code of `discovery_dismissal_reason` when dismissed."
    )
    triage_note: str | None = Field(description="The triage note (masked for some roles).")
