"""Measures given to a household (帮扶措施) as the API shows and accepts them."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.dates import Day
from app.core.money import Yuan

_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
CODE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"


class MeasureIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "temporary_assistance_cash",
                    "given_on": "2026-11-20",
                    "organization_id": _ID,
                    "amount": "800.00",
                    "note": "突发疾病，发放临时救助金。",
                    "plan_item_id": _ID,
                }
            ]
        },
    )

    code: str = Field(
        pattern=CODE_PATTERN,
        description="What was given (dictionary `measure`; its `group` is a `measure_kind`).",
    )
    given_on: Day = Field(description="The day it was given; not in the future.")
    organization_id: uuid.UUID = Field(
        description="The organisation that gave it (any kind, `/organizations`)."
    )
    amount: Yuan | None = Field(
        default=None,
        description="Money given, more than `0.00`: required for codes of kind `cash`, "
        "refused for every other code.",
    )
    note: str | None = Field(default=None, max_length=2000, description="Details.")
    plan_item_id: uuid.UUID | None = Field(
        default=None, description="The item of the household's current plan it carries out."
    )


class MeasureVoidIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "重复登记，同一笔救助金。"}]}
    )

    reason: str = Field(min_length=1, max_length=2000, description="Why the record is wrong.")


class MeasureOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    "household_id": _ID,
                    "code": "temporary_assistance_cash",
                    "given_on": "2026-11-20",
                    "organization_id": _ID,
                    "amount": "800.00",
                    "note": "突发疾病，发放临时救助金。",
                    "plan_item_id": _ID,
                    "need_id": _ID,
                    "legacy": False,
                    "created_by": _ID,
                    "created_at": "2026-11-20T08:00:00Z",
                    "voided_at": None,
                    "voided_by": None,
                    "void_reason": None,
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Measure record id.")
    household_id: uuid.UUID = Field(description="Household id.")
    code: str = Field(description="Dictionary `measure`.")
    given_on: date = Field(description="The day it was given.")
    organization_id: uuid.UUID | None = Field(
        description="The organisation that gave it; null only on legacy records."
    )
    amount: Yuan | None = Field(description="Money given; null when none was.")
    note: str | None = Field(description="Details; the former free text on legacy records.")
    plan_item_id: uuid.UUID | None = Field(description="The plan item it carries out, if any.")
    need_id: uuid.UUID | None = Field(
        description="The need instance it answers (`GET .../needs`), if any: a receiving "
        "organisation's measure recorded when it completed a referral answers its need."
    )
    legacy: bool = Field(
        description="Carried over from the free-text list the record had before measures were "
        "dated records (dated on the household's creation day, code `other`)."
    )
    created_by: uuid.UUID | None = Field(description="Who recorded it.")
    created_at: datetime = Field(description="When it was recorded.")
    voided_at: datetime | None = Field(
        description="When it was voided as wrong; voided records are kept and not counted."
    )
    voided_by: uuid.UUID | None = Field(description="Who voided it.")
    void_reason: str | None = Field(description="Why it was voided.")
