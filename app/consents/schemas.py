import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from app.core.actors import ActorRef
from app.core.dates import Day
from app.core.field_messages import field_error
from app.dictionaries.public import CodeOf

ConsentScope = Annotated[str, CodeOf("consent_scope")]
ConsentMethod = Annotated[str, CodeOf("consent_method")]
Kinship = Annotated[str, CodeOf("kinship")]
OrganizationKind = Annotated[str, CodeOf("organization_kind")]

EXAMPLE_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e71"
EXAMPLE_HOUSEHOLD = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e72"
EXAMPLE_ORGANIZATION = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e73"
EXAMPLE_PERSON = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e74"
EXAMPLE_RECORDER: dict[str, JsonValue] = {
    "type": "user",
    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e75",
    "display_name": "双龙湖街道社区工作者",
}


class ConsentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "organization_id": EXAMPLE_ORGANIZATION,
                    "person_id": EXAMPLE_PERSON,
                    "given_on": "2026-12-01",
                    "valid_until": "2027-11-30",
                    "scope": ["identity_contact", "health_disability"],
                    "purpose": "红十字会大病救助核实及救助金发放",
                    "method": "written",
                    "proxy_name": None,
                    "proxy_relation": None,
                    "document_id": None,
                }
            ]
        },
    )

    organization_id: uuid.UUID = Field(
        description="The receiver: an organisation that is not a government department (422 "
        "`consent_not_needed` for one that is; `GET /organizations` gives kinds)."
    )
    person_id: uuid.UUID = Field(
        description="The member who consents, or on whose behalf the guardian does: a member "
        "of the household on `given_on` (422 `not_a_member` otherwise)."
    )
    given_on: Day = Field(description="The day consent was given; not in the future.")
    valid_until: Day | None = Field(
        default=None,
        description="The last day the consent is in force, when the household gave it for a "
        "period (this year's aid, say): in force on that day, not the day after. Not before "
        "`given_on` (422 `before_given`). Left out: in force until withdrawn.",
        examples=["2027-11-30"],
    )
    scope: list[ConsentScope] = Field(
        min_length=1,
        max_length=5,
        description="Kinds of personal data the household agrees to provide (dictionary "
        "`consent_scope`), each at most once.",
    )
    purpose: str = Field(
        min_length=1,
        max_length=500,
        description="What the receiver may use the data for, as told to the household.",
    )
    method: ConsentMethod = Field(
        description="How consent was given (dictionary `consent_method`). `by_guardian` needs "
        "`proxy_name` and `proxy_relation`; the other methods take neither."
    )
    proxy_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="With `by_guardian`: the guardian or agent who consented for the member.",
    )
    proxy_relation: Kinship | None = Field(
        default=None,
        description="With `by_guardian`: the guardian's relation to the member (dictionary "
        "`kinship`).",
    )
    document_id: uuid.UUID | None = Field(
        default=None,
        description="The signed form: a document of kind `consent_form` in the household's "
        "file, not voided (422 `not_on_file` otherwise).",
    )

    @field_validator("scope")
    @classmethod
    def _distinct(cls, scope: list[str]) -> list[str]:
        if len(set(scope)) != len(scope):
            raise field_error("duplicate")
        return scope


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"withdrawn_on": None, "reason": "户主来电表示不再同意向该单位提供信息"}]
        },
    )

    withdrawn_on: Day | None = Field(
        default=None,
        description="The day the household withdrew it: today when left out; not in the "
        "future, not before the day it was given. From that day on it is not in force.",
    )
    reason: str | None = Field(
        default=None, min_length=1, max_length=500, description="Why, as the household said."
    )


class ConsentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": EXAMPLE_ID,
                    "household_id": EXAMPLE_HOUSEHOLD,
                    "region_code": "500112001001001",
                    "organization_id": EXAMPLE_ORGANIZATION,
                    "organization_name": "渝北区红十字会",
                    "organization_kind": "red_cross",
                    "person_id": EXAMPLE_PERSON,
                    "proxy_name": None,
                    "proxy_relation": None,
                    "given_on": "2026-12-01",
                    "valid_until": "2027-11-30",
                    "scope": ["identity_contact", "health_disability"],
                    "purpose": "红十字会大病救助核实及救助金发放",
                    "method": "written",
                    "document_id": None,
                    "recorded_by": EXAMPLE_RECORDER,
                    "recorded_at": "2026-12-01T02:30:00Z",
                    "withdrawn_on": None,
                    "withdrawn_by": None,
                    "withdrawn_at": None,
                    "withdrawal_reason": None,
                    "in_force": True,
                    "version": 1,
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Consent id.")
    household_id: uuid.UUID = Field(description="The household that consented.")
    region_code: str = Field(description="The household's region (grid).")
    organization_id: uuid.UUID = Field(description="The organisation it may share with.")
    organization_name: str = Field(description="That organisation's name.")
    organization_kind: OrganizationKind = Field(
        description="That organisation's kind (dictionary `organization_kind`)."
    )
    person_id: uuid.UUID = Field(
        description="The member who consented, or on whose behalf the guardian did."
    )
    proxy_name: str | None = Field(description="The guardian who consented, if one did.")
    proxy_relation: Kinship | None = Field(
        description="The guardian's relation to the member (dictionary `kinship`)."
    )
    given_on: date = Field(description="The day consent was given.")
    valid_until: date | None = Field(
        description="The last day it is in force, when given for a period; null: in force "
        "until withdrawn.",
        examples=["2027-11-30", None],
    )
    scope: list[ConsentScope] = Field(
        description="Kinds of data consented to (dictionary `consent_scope`)."
    )
    purpose: str = Field(description="What the receiver may use the data for.")
    method: ConsentMethod = Field(
        description="How consent was given (dictionary `consent_method`)."
    )
    document_id: uuid.UUID | None = Field(description="The signed form in the household's file.")
    recorded_by: ActorRef = Field(description="Who recorded it.")
    recorded_at: datetime = Field(description="When it was recorded.")
    withdrawn_on: date | None = Field(description="The day it was withdrawn, if it was.")
    withdrawn_by: ActorRef | None = Field(description="Who recorded the withdrawal.")
    withdrawn_at: datetime | None = Field(description="When the withdrawal was recorded.")
    withdrawal_reason: str | None = Field(description="Why it was withdrawn.")
    in_force: bool = Field(
        description="Whether it is in force today: given on or before today, not withdrawn "
        "on or before today, and today not after `valid_until`. When several consents to the "
        "same organisation are in force, the latest given decides what may be shared."
    )
    version: int = Field(description="Version for If-Match (1; 2 once withdrawn).")
