import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.actors import ActorRef
from app.core.dates import Day, Instant
from app.core.field_messages import DAYS, field_error
from app.core.region_codes import CODE_PATTERN

MAX_GRANT_DAYS = 31
"""How long an auditor's grant may last."""


class AgreementIn(BaseModel):
    street_code: str = Field(pattern=r"^[0-9]{9}$", description="The street (or town) that signs.")
    agency_id: uuid.UUID = Field(description="The social-work agency that signs.")
    signed_on: Day = Field(description="Date signed.")
    valid_until: Day = Field(description="Last day it is valid.")

    @model_validator(mode="after")
    def _ordered(self) -> "AgreementIn":
        if self.valid_until < self.signed_on:
            raise field_error("too_early", earliest="signed_on")
        return self


class AgreementOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e21",
                    "street_code": "500112001",
                    "agency_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e22",
                    "signed_on": "2026-01-05",
                    "valid_until": "2027-01-04",
                    "recorded_by": {
                        "type": "user",
                        "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e23",
                        "display_name": "双龙湖街道干部",
                    },
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Agreement id.")
    street_code: str = Field(description="The street that signed.")
    agency_id: uuid.UUID = Field(description="The agency that signed.")
    signed_on: date = Field(description="Date signed.")
    valid_until: date = Field(description="Last day it is valid.")
    recorded_by: ActorRef = Field(description="Who recorded it.")


class GrantIn(BaseModel):
    auditor_id: uuid.UUID = Field(description="The auditor (a user with role auditor).")
    region_code: str = Field(
        pattern=CODE_PATTERN, description="Subtree whose personal data the grant opens."
    )
    reason: str = Field(
        min_length=5, max_length=500, description="Why the auditor needs personal data."
    )
    valid_from: Instant = Field(description="Start, with offset.")
    valid_until: Instant = Field(description="End, with offset; at most 31 days after the start.")

    @model_validator(mode="after")
    def _window(self) -> "GrantIn":
        if self.valid_until <= self.valid_from:
            raise field_error("too_early", earliest="valid_from")
        if (self.valid_until - self.valid_from).days > MAX_GRANT_DAYS:
            raise field_error("range_too_long", limit=MAX_GRANT_DAYS, **DAYS)
        return self


class GrantOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e24",
                    "auditor": {
                        "type": "user",
                        "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e25",
                        "display_name": "监督审计员",
                    },
                    "region_code": "500112001",
                    "reason": "2026年第四季度台账抽查",
                    "valid_from": "2026-11-23T00:00:00Z",
                    "valid_until": "2026-11-30T00:00:00Z",
                    "issued_by": {
                        "type": "user",
                        "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e26",
                        "display_name": "区民政局干部",
                    },
                    "revoked_at": None,
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Grant id.")
    auditor: ActorRef = Field(description="The auditor it is for.")
    region_code: str = Field(description="Subtree it opens.")
    reason: str = Field(description="Why it was given.")
    valid_from: datetime = Field(description="Start.")
    valid_until: datetime = Field(description="End.")
    issued_by: ActorRef = Field(description="The district officer who issued it.")
    revoked_at: datetime | None = Field(description="When it was revoked early, if it was.")
