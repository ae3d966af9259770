"""Referrals as the API takes and shows them: ids, codes, days; free text masked for roles
that see masked data."""

import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.actors import ActorRef
from app.core.dates import Day, Instant
from app.core.money import Yuan
from app.referrals.minimum_schemas import HouseholdDataOut
from app.referrals.states import ReferralAction, ReferralStatus

ReasonCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Note = Annotated[str, Field(min_length=1, max_length=2000)]

_REFERRAL = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e41"
_HOUSEHOLD = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e42"
_NEED = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e43"
_ORGANIZATION = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e44"
_APPLICATION = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e45"
_USER = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e46"
_CONSENT = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e47"
_SUMMARY: dict[str, Any] = {
    "id": _REFERRAL,
    "version": 2,
    "status": "received",
    "household_id": _HOUSEHOLD,
    "region_code": "500112001001001",
    "need_id": _NEED,
    "need_code": "medical",
    "source": "application",
    "application_id": _APPLICATION,
    "receiver_organization_id": _ORGANIZATION,
    "receiver_organization_name": "渝北区红十字会",
    "sender_organization_id": None,
    "sent_on": "2026-12-01",
    "due_on": "2026-12-15",
    "overdue": False,
}


class ReferralIn(BaseModel):
    """A referral sent by hand: a live need of a household in your reach, to one
    organisation."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "need_id": _NEED,
                    "receiver_organization_id": _ORGANIZATION,
                    "note": "户主住院治疗，自付部分较高，请核定大病救助。",
                }
            ]
        },
    )

    need_id: uuid.UUID = Field(
        description="The need instance it answers (`GET /households/{id}/needs`): of a "
        "household in your reach, `open` or `being_met`."
    )
    receiver_organization_id: uuid.UUID = Field(description="The organisation that receives it.")
    note: Note | None = Field(default=None, description="What the receiver should know.")


class ReferralActionIn(BaseModel):
    """One action on a referral: a reason where the action takes one, a note, and on
    completion the outcome and the money given."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"note": "已收到，安排专人对接。"}]},
    )

    reason: ReasonCode | None = Field(
        default=None,
        description="`reject`: a code of `referral_rejection_reason`; `fail`: of "
        "`referral_failure_reason` (required for these two); refused on other actions.",
    )
    note: Note | None = Field(default=None, description="Free text about the action.")
    outcome: Note | None = Field(
        default=None, description="`complete` only (required there): what was done."
    )
    measure: ReasonCode | None = Field(
        default=None,
        description="`complete` only: what was given, a code of the `measure` dictionary. It "
        "is recorded in the household's ledger as a measure of the receiving organisation "
        "(帮扶措施) answering the referral's need, with the outcome as its note. Left out "
        "with an `amount`: the money measure of the receiver's kind (e.g. "
        "`red_cross_major_illness_aid` for the Red Cross, `charity_cash` for a charity); "
        "left out without one: no measure is recorded.",
    )
    amount: Yuan | None = Field(
        default=None,
        description="`complete` only: the money given, in yuan, above `0.00`: required when "
        "the measure is of kind `cash`, refused for any other measure.",
    )
    given_on: Day | None = Field(
        default=None,
        description="`complete` only, with a measure: the day it was given, not after today "
        "nor before the referral was sent; today when left out.",
    )


class ReferralTransitionOut(BaseModel):
    """One change of a referral: who, when, from what to what, why."""

    action: str = Field(description="`send` (created) or the action taken.")
    from_status: ReferralStatus | None = Field(description="The state before; null on `send`.")
    to_status: ReferralStatus = Field(description="The state after.")
    by: ActorRef = Field(description="Who took it.")
    at: Instant = Field(description="When.")
    reason: str | None = Field(description="The reason code, when the action takes one.")
    note: str | None = Field(description="Free text (masked for roles that see masked data).")


class ReferralSummary(BaseModel):
    """A referral in a list: where it stands and when it is due."""

    model_config = ConfigDict(json_schema_extra={"examples": [_SUMMARY]})

    id: uuid.UUID = Field(description="Referral id.")
    version: int = Field(description="Changes with every action (ETag).")
    status: ReferralStatus = Field(description="Where it stands (dictionary `referral_status`).")
    household_id: uuid.UUID = Field(description="The household referred.")
    region_code: str = Field(description="The household's region.")
    need_id: uuid.UUID = Field(description="The need instance it answers.")
    need_code: str = Field(description="The need's code (dictionary `need`).")
    source: str = Field(
        description="`manual` (sent by staff), `application` (pushed when its application "
        "was accepted) or `partner` (pushed in by a partner system)."
    )
    application_id: uuid.UUID | None = Field(description="The application it came from, if any.")
    receiver_organization_id: uuid.UUID = Field(description="The receiving organisation.")
    receiver_organization_name: str = Field(description="Its name.")
    sender_organization_id: uuid.UUID | None = Field(
        description="A partner organisation that pushed it in; null when staff sent it."
    )
    sent_on: date = Field(description="The day it was sent.")
    due_on: date = Field(
        description="The last day for the receiver to close it: working days from `sent_on`."
    )
    overdue: bool = Field(description="Still open after its due day (due today is not overdue).")


class ReferralOut(ReferralSummary):
    """A referral with its whole story (DOMAIN 7): who sent it, every change, and the
    actions the caller may take now."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY,
                    "allowed": ["accept", "reject"],
                    "sent_by": {"type": "user", "id": _USER, "display_name": "双龙湖街道干部"},
                    "sender_region_code": "500112001",
                    "due_working_days": 10,
                    "provisional": False,
                    "note": "户主住院治疗，请核定大病救助。",
                    "reason": None,
                    "reason_note": None,
                    "outcome": None,
                    "amount": None,
                    "measure": None,
                    "measure_id": None,
                    "household_data": {
                        "basis": "consent",
                        "consent_id": _CONSENT,
                        "listed": ["head_name", "contact_phone", "address", "health_disability"],
                        "withheld": ["health_disability"],
                        "street_code": "500112001",
                        "need_code": "medical",
                        "head_age_band": "60-79",
                        "head_name": "张秀英",
                        "contact_phone": "13800001234",
                        "address": "双龙湖街道金港路 12 号 3-2",
                        "members": None,
                        "health_disability": None,
                        "school_age_children": None,
                    },
                    "transitions": [
                        {
                            "action": "send",
                            "from_status": None,
                            "to_status": "requested",
                            "by": {
                                "type": "user",
                                "id": _USER,
                                "display_name": "双龙湖街道干部",
                            },
                            "at": "2026-12-01T02:00:00Z",
                            "reason": None,
                            "note": None,
                        }
                    ],
                }
            ]
        }
    )

    allowed: list[ReferralAction] = Field(
        description="The actions the state allows that you may take (your side's)."
    )
    sent_by: ActorRef | None = Field(description="Who sent it (null for a partner's push).")
    sender_region_code: str | None = Field(description="The sender's region when it sent it.")
    due_working_days: int = Field(description="Working days the receiver was given.")
    provisional: bool = Field(
        description="The due day was counted on a year the official calendar does not cover "
        "yet (Monday to Friday)."
    )
    note: str | None = Field(description="The sender's note (masked for masked roles).")
    reason: str | None = Field(description="Why it was rejected or failed (a code).")
    reason_note: str | None = Field(description="Free text with the reason.")
    outcome: str | None = Field(description="What was done, once completed.")
    amount: Yuan | None = Field(description="Money given, once completed, when money was given.")
    measure: str | None = Field(
        description="What was given, once completed (dictionary `measure`); null for a "
        "referral completed before completions recorded measures."
    )
    measure_id: uuid.UUID | None = Field(
        description="The household's measure record the completion made "
        "(`GET /households/{id}/measures`)."
    )
    household_data: HouseholdDataOut | None = Field(
        description="The minimum household data the referral carries to its receiver "
        "(`referrals.minimum_data`): the receiver's kind's list, whole for a government "
        "department, else what the household's consent in force covers, the rest "
        "de-identified; masked for your role. Staff see what the receiver sees."
    )
    transitions: list[ReferralTransitionOut] = Field(description="Every change, oldest first.")


class ReferralBrief(BaseModel):
    """A referral as an application's one-place view lists it."""

    id: uuid.UUID = Field(description="Referral id.")
    need_id: uuid.UUID = Field(description="The need instance it answers.")
    need_code: str = Field(description="The need's code (dictionary `need`).")
    receiver_organization_id: uuid.UUID = Field(description="The receiving organisation.")
    receiver_organization_name: str = Field(description="Its name.")
    status: ReferralStatus = Field(description="Where it stands.")
    due_on: date = Field(description="Its due day.")
    overdue: bool = Field(description="Still open after its due day.")
