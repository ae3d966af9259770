"""Applications at the one window as the API accepts and shows them (DOMAIN 6)."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.actors import ActorRef
from app.core.dates import Day
from app.core.field_messages import field_error
from app.dictionaries.public import CodeOf
from app.households.public import HouseholdCreate
from app.intake.applications import errors as _errors  # noqa: F401  (field messages)
from app.intake.applications.states import ApplicationStatus, ApplicationStep
from app.referrals.public import ReferralBrief

NeedCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
"""A code of the `need` dictionary (extensible: checked against it)."""
ReasonCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Note = Annotated[str, Field(min_length=1, max_length=2000)]
Mode = Annotated[str, CodeOf("application_mode")]
Channel = Annotated[str, CodeOf("discovery_channel")]
Hardship = Annotated[str, CodeOf("hardship_event")]
NeedStatus = Annotated[str, CodeOf("need_status")]
NeedSource = Annotated[str, CodeOf("need_source")]
DeadlineKind = Annotated[str, CodeOf("deadline_kind")]
DeadlineStatus = Annotated[str, CodeOf("deadline_status")]
PROXY_MODES = frozenset({"proxy_residents_committee", "proxy_social_worker"})
"""Modes in which someone applies on the household's behalf, with its authorisation."""
PROXY_KINDS = {
    "proxy_residents_committee": "residents_committee",
    "proxy_social_worker": "social_work_agency",
}
"""The kind of organisation that applies in each proxy mode."""
_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
_OTHER_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12"
_USER: dict[str, Any] = {"type": "user", "id": _OTHER_ID, "display_name": "百果园社区工作者"}


class ApplicationIn(BaseModel):
    """File an application at the one window (一门受理) for a household in your reach, or for
    a household entered with it (then `pending`, an applicant, until accepted)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "household_id": _ID,
                    "mode": "self",
                    "applicant_person_id": None,
                    "needs": ["medical", "care"],
                    "applied_on": "2026-12-01",
                    "situation": "户主突发脑梗住院，家中无其他劳动力。",
                    "hardship_kind": "major_illness",
                    "hardship_learned_on": "2026-12-01",
                }
            ]
        },
    )

    household_id: uuid.UUID | None = Field(
        default=None,
        description="An existing household of your reach; give this or `household`, not both.",
    )
    household: HouseholdCreate | None = Field(
        default=None,
        description="A household entered with the application, as `POST /households` takes "
        "it; it stays `pending` (not in the ledger) until the application is accepted. Not "
        "for grid workers (they may not give ID numbers).",
    )
    mode: Mode = Field(
        description="Dictionary `application_mode`: `self`, a proxy (`proxy_residents_committee`, "
        "`proxy_social_worker`: with `proxy_organization_id` and the household's authorisation) "
        "or `assisted_by_paired_worker`."
    )
    applicant_person_id: uuid.UUID | None = Field(
        default=None,
        description="The member who applies, or on whose behalf a proxy applies; an active "
        "member of an existing household (for a new one, leave it out: its head applies).",
    )
    proxy_organization_id: uuid.UUID | None = Field(
        default=None,
        description="With a proxy mode: the residents' committee or social-work agency that "
        "applies on the household's behalf.",
    )
    authorisation_document_id: uuid.UUID | None = Field(
        default=None,
        description="With a proxy mode: the household's authorisation (a document of kind "
        "`authorisation`, not voided, in its file). Required at filing for an existing "
        "household; a household entered with the application has no file yet, so it is "
        "attached before acceptance and acceptance checks it.",
    )
    discovery_report_id: uuid.UUID | None = Field(
        default=None,
        description="The discovery report (线索) the application comes from, awaiting triage "
        "in your reach: it becomes `converted` and gives the channel.",
    )
    needs: list[NeedCode] = Field(
        min_length=1,
        max_length=30,
        description="The help asked for: codes of the `need` dictionary, noted as need "
        "instances of the household.",
    )
    applied_on: Day = Field(description="The day the household applied; not in the future.")
    situation: str | None = Field(
        default=None, max_length=4000, description="The household's situation in its words."
    )
    hardship_kind: Hardship | None = Field(
        default=None,
        description="Dictionary `hardship_event`, when a major illness, incident or other "
        "hardship prompted it: opens the home-visit (1 working day) and ledger (2) deadlines.",
    )
    hardship_learned_on: Day | None = Field(
        default=None,
        description="With `hardship_kind`: the day the hardship was learned of (the deadlines "
        "count from it); not in the future.",
    )

    @model_validator(mode="after")
    def _one_household(self) -> "ApplicationIn":
        if (self.household_id is None) == (self.household is None):
            raise field_error("household_or_id")
        if (self.hardship_kind is None) != (self.hardship_learned_on is None):
            raise field_error("hardship_pair")
        return self


class ActionIn(BaseModel):
    """One step of an application: the day it happened, why, and a note."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"effective_on": "2026-12-02", "reason": None, "note": "材料齐全，予以受理。"}
            ]
        },
    )

    effective_on: Day = Field(
        description="The business day the step happened (an approval's date); not in the "
        "future, not before the previous step's."
    )
    reason: ReasonCode | None = Field(
        default=None,
        description="`reject`: a code of `application_rejection_reason`; `not_approve`: of "
        "`application_decision_reason` (required for these two; `other` needs a note); "
        "refused on other steps (a withdrawal says why in `note`).",
    )
    note: Note | None = Field(default=None, description="Details of the step.")


class StepTaken(StrEnum):
    """What a transition records: the filing, or a step of the machine."""

    file = "file"
    accept = "accept"
    reject = "reject"
    investigate = "investigate"
    assess = "assess"
    approve = "approve"
    not_approve = "not_approve"
    close = "close"
    withdraw = "withdraw"


class TransitionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "action": "accept",
                    "from_status": "submitted",
                    "to_status": "accepted",
                    "by": _USER,
                    "at": "2026-12-02T02:00:00Z",
                    "effective_on": "2026-12-02",
                    "reason": None,
                    "note": "材料齐全，予以受理。",
                }
            ]
        }
    )

    action: StepTaken = Field(description="The step taken: `file` for the filing.")
    from_status: ApplicationStatus | None = Field(
        description="Where it stood before; null for the filing."
    )
    to_status: ApplicationStatus = Field(description="Where it stood after.")
    by: ActorRef = Field(description="Who took the step.")
    at: datetime = Field(description="When the step was recorded.")
    effective_on: date = Field(description="The business day the step happened.")
    reason: str | None = Field(
        description="Reason code of a rejection (`application_rejection_reason`) or of a "
        "decision not to approve (`application_decision_reason`)."
    )
    note: str | None = Field(description="The note given (masked for roles that see masked data).")


class NeedOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "code": "medical",
                    "status": "open",
                    "noted_on": "2026-12-01",
                    "source": "application",
                    "source_id": _OTHER_ID,
                    "noted_by": _USER,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="The need instance's id (referrals and plan items name it).")
    code: str = Field(description="A code of the `need` dictionary.")
    status: NeedStatus = Field(description="Dictionary `need_status`: where the need stands.")
    noted_on: date = Field(description="The day it was noted.")
    source: NeedSource = Field(description="Dictionary `need_source`: what noted it.")
    source_id: uuid.UUID | None = Field(
        description="The application, home visit, report or import that noted it."
    )
    noted_by: ActorRef = Field(description="Who noted it.")


class ApplicationDeadlineOut(BaseModel):
    """A deadline the application started, as its story shows it (the worklist's
    `GET /deadlines/{id}` has the rest)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "kind": "visit_after_hardship",
                    "status": "open",
                    "triggered_on": "2026-12-01",
                    "due_on": "2026-12-02",
                    "done_on": None,
                    "provisional": False,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="The deadline's id.")
    kind: DeadlineKind = Field(description="Dictionary `deadline_kind`.")
    status: DeadlineStatus = Field(description="Dictionary `deadline_status`.")
    triggered_on: date = Field(description="The day of the event that started it.")
    due_on: date = Field(description="The last working day that meets it.")
    done_on: date | None = Field(description="The day it was met (late: still `missed`).")
    provisional: bool = Field(
        description="Counted on a year the official working-day calendar does not cover yet."
    )


class ApplicationOut(BaseModel):
    """The application and its whole story: every step, the needs it noted, its deadlines."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "version": 2,
                    "status": "accepted",
                    "allowed": ["investigate", "withdraw"],
                    "household_id": _OTHER_ID,
                    "household_status": "active",
                    "region_code": "500112001001001",
                    "mode": "self",
                    "channel": "self_application",
                    "applied_on": "2026-12-01",
                    "applicant_person_id": None,
                    "proxy_organization_id": None,
                    "authorisation_document_id": None,
                    "discovery_report_id": None,
                    "created_household": False,
                    "situation": "户主突发脑梗住院，家中无其他劳动力。",
                    "hardship_kind": "major_illness",
                    "hardship_learned_on": "2026-12-01",
                    "filed_by": _USER,
                    "filed_at": "2026-12-01T02:00:00Z",
                    "approved_on": None,
                    "transitions": [],
                    "needs": [],
                    "deadlines": [],
                    "referrals": [],
                    "unrouted_needs": [],
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="The application's id.")
    version: int = Field(description="Version for If-Match (also the ETag).")
    status: ApplicationStatus = Field(description="Where the application stands.")
    allowed: list[ApplicationStep] = Field(description="The steps its state allows now.")
    household_id: uuid.UUID = Field(description="The household it is for.")
    household_status: Annotated[str, CodeOf("household_status")] = Field(
        description="Dictionary `household_status`: `pending` while an applicant, `active` "
        "once in the ledger, `declined` after a rejection or withdrawal before acceptance."
    )
    region_code: str = Field(description="The household's grid.")
    mode: Mode = Field(description="Dictionary `application_mode`.")
    channel: Channel = Field(description="Dictionary `discovery_channel`: how it came in.")
    applied_on: date = Field(description="The day the household applied.")
    applicant_person_id: uuid.UUID | None = Field(description="The member who applies.")
    proxy_organization_id: uuid.UUID | None = Field(
        description="The organisation applying on the household's behalf (proxy modes)."
    )
    authorisation_document_id: uuid.UUID | None = Field(
        description="The household's authorisation in its file (proxy modes)."
    )
    discovery_report_id: uuid.UUID | None = Field(description="The report it came from.")
    created_household: bool = Field(description="Whether the household was entered with it.")
    situation: str | None = Field(
        description="The household's situation (masked for roles that see masked data)."
    )
    hardship_kind: Hardship | None = Field(description="Dictionary `hardship_event`.")
    hardship_learned_on: date | None = Field(description="When the hardship was learned of.")
    filed_by: ActorRef = Field(description="Who filed it.")
    filed_at: datetime = Field(description="When it was filed.")
    approved_on: date | None = Field(description="The day of approval; null unless approved.")
    transitions: list[TransitionOut] = Field(
        description="Every step, oldest first, the filing included."
    )
    needs: list[NeedOut] = Field(description="The need instances it noted, and their status now.")
    deadlines: list[ApplicationDeadlineOut] = Field(
        description="The deadlines it started, oldest first."
    )
    referrals: list[ReferralBrief] = Field(
        description="The referrals its acceptance pushed (推送) to the organisations the "
        "routing table names for its needs, oldest first, and where each stands."
    )
    unrouted_needs: list[str] = Field(
        description="Once accepted: the codes of its live needs that no referral answers "
        "(no rule for the need, or no default receiver for the household's region), for "
        "staff to refer by hand; empty before acceptance."
    )


class ApplicationSummary(BaseModel):
    """An application in a list (its story is at `GET /applications/{id}`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "version": 1,
                    "status": "submitted",
                    "household_id": _OTHER_ID,
                    "region_code": "500112001001001",
                    "mode": "self",
                    "channel": "self_application",
                    "applied_on": "2026-12-01",
                    "filed_by": _USER,
                    "filed_at": "2026-12-01T02:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="The application's id.")
    version: int = Field(description="Version for If-Match.")
    status: ApplicationStatus = Field(description="Where the application stands.")
    household_id: uuid.UUID = Field(description="The household it is for.")
    region_code: str = Field(description="The household's grid.")
    mode: Mode = Field(description="Dictionary `application_mode`.")
    channel: Channel = Field(description="Dictionary `discovery_channel`.")
    applied_on: date = Field(description="The day the household applied.")
    filed_by: ActorRef = Field(description="Who filed it.")
    filed_at: datetime = Field(description="When it was filed.")
