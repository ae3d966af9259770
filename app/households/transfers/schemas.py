"""Transfer requests as the API accepts and shows them."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.examples import EXAMPLE_ID_NUMBER
from app.core.field_messages import field_error
from app.core.id_numbers import IdNumberText
from app.households.members.schemas import Relation
from app.households.transfers.states import TransferOutcome, TransferStatus, TransferStep

RefusalReason = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
"""A code of `transfer_refusal_reason` (extensible: checked against the dictionary)."""
Note = Annotated[str, Field(min_length=1, max_length=2000)]
_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
_OTHER_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12"


class TransferRequestIn(BaseModel):
    """Ask the street that holds a person to let them move into a household of yours."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id_number": EXAMPLE_ID_NUMBER,
                    "to_household_id": _ID,
                    "relation_to_head": "parent",
                    "reason": "已随子女迁居本社区，实际居住满三个月。",
                }
            ]
        },
    )

    id_number: IdNumberText = Field(description="National ID number of the person to move.")
    to_household_id: uuid.UUID = Field(
        description="The household of your reach the person moves into (active in the ledger)."
    )
    relation_to_head: Relation = Field(description="Relation to the head of that household.")
    reason: str = Field(
        min_length=1, max_length=2000, description="Why the person moves, for the sending street."
    )


class AcceptIn(BaseModel):
    """The sending street agrees: the person moves at once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"new_head_person_id": None, "note": "经核实已迁居。"}]},
    )

    new_head_person_id: uuid.UUID | None = Field(
        default=None,
        description="When the person heads your household: the member who takes over. "
        "Without it the household is flagged `head_left`.",
    )
    note: Note | None = Field(default=None, description="A note for the requester.")


class RefuseIn(BaseModel):
    """The sending street does not agree."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "still_resident", "note": "本人仍在本街道居住。"}]
        },
    )

    reason: RefusalReason = Field(
        description="A code of the `transfer_refusal_reason` dictionary; `other` needs a note."
    )
    note: Note | None = Field(default=None, description="Details for the requester.")


class DecideIn(BaseModel):
    """The district decides (研判) either way."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "outcome": "accept",
                    "reason": None,
                    "note": "经区民政局核实，实际居住地已变更。",
                    "new_head_person_id": None,
                }
            ]
        },
    )

    outcome: TransferOutcome = Field(
        description="`accept` moves the person now; `refuse` does not."
    )
    reason: RefusalReason | None = Field(
        default=None,
        description="With `refuse`: a code of the `transfer_refusal_reason` dictionary.",
    )
    note: Note = Field(description="The grounds of the decision.")
    new_head_person_id: uuid.UUID | None = Field(
        default=None,
        description="With `accept`, when the person heads the sending household: the member "
        "who takes over.",
    )

    @model_validator(mode="after")
    def _reason_with_refuse(self) -> "DecideIn":
        if self.outcome is TransferOutcome.refuse and self.reason is None:
            raise field_error("missing")
        return self


class CancelIn(BaseModel):
    """The requester withdraws its request."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "本人已回原住址。"}]}
    )

    note: Note | None = Field(default=None, description="Why the request is withdrawn.")


class TransferRequestOut(BaseModel):
    """A transfer request as the caller may see it.

    The requesting street learns only that its request is pending and how it ends: the
    sending household (its id, region, address, members) and the person's name stay with
    the sending street and the district; the ID number is shown masked to everyone.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "version": 1,
                    "status": "pending",
                    "allowed_actions": ["accept", "refuse"],
                    "person_id": _OTHER_ID,
                    "person_name": "张秀英",
                    "id_number": "500112********0027",
                    "from_household_id": _OTHER_ID,
                    "from_region_code": "500112002001001",
                    "to_household_id": _ID,
                    "to_region_code": "500112001001001",
                    "relation_to_head": "parent",
                    "reason": "已随子女迁居本社区，实际居住满三个月。",
                    "filed_by": _ID,
                    "filed_at": "2026-12-01T02:00:00Z",
                    "filed_on": "2026-12-01",
                    "due_on": "2026-12-08",
                    "overdue": False,
                    "answered_by": None,
                    "answered_at": None,
                    "refusal_reason": None,
                    "note": None,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Transfer request id.")
    version: int = Field(description="Goes up with every action; the ETag.")
    status: TransferStatus = Field(description="Code of `transfer_request_status`.")
    allowed_actions: list[TransferStep] = Field(
        description="The actions the caller may take on the request now (its state and the "
        "caller's side and role)."
    )
    person_id: uuid.UUID | None = Field(
        description="The person; null for the requesting side until the person has moved."
    )
    person_name: str | None = Field(
        description="The person's name as the sending household records it; null for the "
        "requesting side."
    )
    id_number: str = Field(description="The person's ID number, masked (first 6, last 4).")
    from_household_id: uuid.UUID | None = Field(
        description="The sending household; null for the requesting side."
    )
    from_region_code: str | None = Field(
        description="The sending household's grid when filed; null for the requesting side."
    )
    to_household_id: uuid.UUID = Field(description="The receiving household.")
    to_region_code: str = Field(description="The receiving household's grid when filed.")
    relation_to_head: Relation = Field(description="Relation to the receiving head.")
    reason: str = Field(description="Why the person moves, as the requester wrote it.")
    filed_by: uuid.UUID = Field(description="User id of the requester.")
    filed_at: datetime = Field(description="When the request was filed.")
    filed_on: date = Field(description="Business date of filing (Asia/Shanghai).")
    due_on: date = Field(
        description="The last working day the sending street has to answer "
        "(`SANZHU_TRANSFER_REQUEST_ESCALATION_WORKING_DAYS` after filing)."
    )
    overdue: bool = Field(description="Pending after its due date: on the district's worklist.")
    answered_by: uuid.UUID | None = Field(description="User id of whoever ended it.")
    answered_at: datetime | None = Field(
        description="When it was accepted, refused, decided or cancelled."
    )
    refusal_reason: str | None = Field(
        description="Code of `transfer_refusal_reason` when refused."
    )
    note: str | None = Field(description="The answer's note (or the cancellation's).")


Direction = Literal["incoming", "outgoing"]
