"""The JSON of the Red Cross major-illness aid: terms and quotes (Yubei 3(3)1(3))."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from app.core.actors import ActorRef
from app.core.dates import Day
from app.core.money import DecimalString, Yuan
from app.red_cross.rules import Reason, TreatmentType

RATE_PATTERN = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"
"""A percent from 0 to 100 with at most two places: exact, as money is."""

Percent = Annotated[
    Decimal,
    DecimalString(RATE_PATTERN, "50.00", "rate_format"),
    AfterValidator(lambda value: value.quantize(Decimal("0.01"))),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
]
Amount = Annotated[Yuan, Field(ge=0)]

_RATE = (
    "Percent of the self-paid amount within the policy's scope that the aid covers, 0 to "
    '100 with at most two places ("50.00" is half).'
)
_CAP = "The most one household receives in a calendar year, yuan."
_FROM = "First day in force (Asia/Shanghai business date)."
_TO = "Last day in force, inclusive; null: until further notice. Not before `effective_from`."
_NOTE = "Where the figures come from (the Red Cross's decision, its reference)."
_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"

TERMS_EXAMPLE: dict[str, Any] = {
    "district_code": "500112",
    "rate_percent": "50.00",
    "yearly_cap": "20000.00",
    "effective_from": "2027-01-01",
    "effective_to": "2027-12-31",
    "note": "渝北区红十字会 2027 年大病救助标准（演示）",
}


class TermsIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [TERMS_EXAMPLE]})

    district_code: str = Field(pattern=r"^[0-9]{6}$", description="The district they apply in.")
    rate_percent: Percent = Field(description=_RATE)
    yearly_cap: Amount = Field(description=_CAP)
    effective_from: Day = Field(description=_FROM)
    effective_to: Day | None = Field(default=None, description=_TO)
    note: str | None = Field(default=None, max_length=500, description=_NOTE)


class TermsPatch(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"effective_to": "2027-06-30"}]})

    rate_percent: Percent | None = Field(default=None, description=_RATE + " Not null.")
    yearly_cap: Amount | None = Field(default=None, description=_CAP + " Not null.")
    effective_from: Day | None = Field(default=None, description=_FROM + " Not null.")
    effective_to: Day | None = Field(default=None, description=_TO)
    note: str | None = Field(default=None, max_length=500, description=_NOTE)


class TermsOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": _ID,
                    **TERMS_EXAMPLE,
                    "version": 1,
                    "created_at": "2026-12-01T08:00:00Z",
                    "updated_at": "2026-12-01T08:00:00Z",
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Terms id.")
    district_code: str = Field(description="The district they apply in.")
    rate_percent: Percent = Field(description=_RATE)
    yearly_cap: Yuan = Field(description=_CAP)
    effective_from: date = Field(description=_FROM)
    effective_to: date | None = Field(description=_TO)
    note: str | None = Field(description=_NOTE)
    version: int = Field(description="Changes with every change; the ETag.")
    created_at: datetime = Field(description="When they were created.")
    updated_at: datetime = Field(description="When they last changed.")


QUOTE_EXAMPLE: dict[str, Any] = {
    "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31",
    "person_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e32",
    "disease_code": "malignant_tumour",
    "institution_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e33",
    "treatment_type": "inpatient",
    "treatment_date": "2026-03-10",
    "total_cost": "52000.00",
    "in_scope_amount": "46000.00",
    "insurance_reimbursement": "32200.00",
    "medical_assistance": "6900.00",
}


class QuoteIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [QUOTE_EXAMPLE]})

    household_id: uuid.UUID = Field(description="The household (within your reach).")
    person_id: uuid.UUID = Field(description="The member treated: a current member.")
    disease_code: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="The disease, a code; the prescribed ones are dictionary "
        "`red_cross_disease` (规定病种). Another code is not prescribed: `disease_not_prescribed`.",
    )
    institution_id: uuid.UUID = Field(
        description="The institution treating: an organisation; only those of kind "
        "`designated_hospital` are designated (定点医疗机构)."
    )
    treatment_type: TreatmentType = Field(
        description="Dictionary `red_cross_treatment_type`: inpatient, or outpatient "
        "chemotherapy, radiotherapy, dialysis or transfusion; `outpatient_other` for any other "
        "outpatient treatment (not covered: `treatment_not_covered`)."
    )
    treatment_date: Day = Field(
        description="The day of the treatment (the discharge day of a stay): the terms in "
        "force on it apply, and its calendar year is the cap's year. Not in the future."
    )
    total_cost: Amount = Field(description="The whole bill (医疗总费用), yuan.")
    in_scope_amount: Amount = Field(
        description="The part within the basic medical insurance policy's scope (政策范围内费用); "
        "not more than `total_cost`."
    )
    insurance_reimbursement: Amount = Field(
        description="What basic medical insurance reimbursed (医保报销)."
    )
    medical_assistance: Amount = Field(
        description="What medical assistance paid (医疗救助). With the reimbursement, not more "
        "than `in_scope_amount`."
    )


class StepOut(BaseModel):
    key: str = Field(
        description="`self_paid`, `rate_share`, `room_under_cap` or `covered`, in this order; "
        "the middle two only when terms are in force."
    )
    label_zh: str = Field(description="What the figure is, in Chinese.")
    label_en: str = Field(description="What the figure is, in English.")
    formula: str = Field(description="How it is computed, by field names.")
    calculation: str = Field(description="The formula with this quote's figures.")
    amount: Yuan = Field(description="The figure, yuan.")


class TermsUsed(BaseModel):
    id: uuid.UUID = Field(description="The terms in force on the treatment day.")
    rate_percent: Percent = Field(description="The rate applied (as it was then).")
    yearly_cap: Yuan = Field(description="The cap applied (as it was then).")


class QuoteOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e34",
                    **QUOTE_EXAMPLE,
                    "terms": {"id": _ID, "rate_percent": "50.00", "yearly_cap": "20000.00"},
                    "already_received": "0.00",
                    "self_paid": "6900.00",
                    "covered": "3450.00",
                    "eligible": True,
                    "reasons": [],
                    "steps": [
                        {
                            "key": "self_paid",
                            "label_zh": "政策范围内自付费用",
                            "label_en": "Self-paid within the policy's scope",
                            "formula": "max(0, in_scope_amount - insurance_reimbursement - "
                            "medical_assistance)",
                            "calculation": "max(0, 46000.00 - 32200.00 - 6900.00) = 6900.00",
                            "amount": "6900.00",
                        }
                    ],
                    "created_by": {
                        "type": "user",
                        "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e35",
                        "display_name": "区红十字会工作人员",
                    },
                    "created_at": "2026-03-20T02:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Quote id.")
    household_id: uuid.UUID = Field(description="The household.")
    person_id: uuid.UUID = Field(description="The member treated.")
    disease_code: str = Field(description="The disease (dictionary `red_cross_disease`).")
    institution_id: uuid.UUID = Field(description="The institution treating.")
    treatment_type: TreatmentType = Field(description="Dictionary `red_cross_treatment_type`.")
    treatment_date: date = Field(description="The day of the treatment.")
    total_cost: Yuan = Field(description="The whole bill, yuan.")
    in_scope_amount: Yuan = Field(description="The part within the policy's scope, yuan.")
    insurance_reimbursement: Yuan = Field(description="What insurance reimbursed, yuan.")
    medical_assistance: Yuan = Field(description="What medical assistance paid, yuan.")
    terms: TermsUsed | None = Field(description="The terms applied; null: none in force.")
    already_received: Yuan = Field(
        description="Red Cross major-illness aid the household received in the treatment's "
        "calendar year before this quote: its measures `red_cross_major_illness_aid` that are "
        "not voided."
    )
    self_paid: Yuan = Field(description="Self-paid within the policy's scope, yuan.")
    covered: Yuan = Field(description="What the aid covers, yuan (0.00 when not eligible).")
    eligible: bool = Field(description="True when no reason stands against the aid.")
    reasons: list[Reason] = Field(
        description="Dictionary `red_cross_aid_reason`: every reason the aid covers nothing."
    )
    steps: list[StepOut] = Field(description="The calculation, step by step.")
    created_by: ActorRef = Field(description="Who asked for the quote.")
    created_at: datetime = Field(description="When.")
