"""Households as the API shows and accepts them (DOMAIN 3-4)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from app.core.actors import ActorRef
from app.core.dates import Day
from app.core.examples import EXAMPLE_ID_NUMBER
from app.core.permissions import Role
from app.core.region_codes import CODE_PATTERN, DIVISION_CODE_PATTERN
from app.dictionaries.public import CodeOf, Labels
from app.households.decisions.schemas import (
    DECISION_EXAMPLE,
    DecisionIn,
    DecisionOut,
    TargetType,
)
from app.households.members.schemas import Category, MemberIn, MemberOut, Relation, Subtype

HukouType = Annotated[str, CodeOf("hukou_type")]
GovernmentAid = Annotated[str, CodeOf("government_aid")]
HouseholdStatus = Annotated[str, CodeOf("household_status")]
FormerHeadRelation = Annotated[
    Relation,
    WithJsonSchema(
        {"type": "string", "enum": [c for c in CodeOf("relation_to_head").codes if c != "self"]},
        mode="validation",
    ),
]
"""What a former head becomes to the new one: any relation but `self` (refused, `head_exists`:
the household has one head), so the contract does not offer it."""
Attention = Literal["head_left", "no_members"]
"""Why a record needs attention: its head left, or its last member did."""
OpenCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Text = Annotated[str, Field(max_length=2000)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""Stripped before the length check, so a blank address is refused rather than stored empty."""

_EXAMPLE_IN: dict[str, Any] = {
    "region_code": "500112001001001",
    "address": "双龙湖街道龙湖社区 3 栋 2 单元 501",
    "hukou_region_code": "500112",
    "hukou_place": "重庆市渝北区",
    "hukou_type": "urban",
    "settled_since": "2008-05-01",
    "categories": [{"category": "social_assistance", "subtype": "assistance_dibao"}],
    "causes": ["illness"],
    "needs": ["medical", "care"],
    "benefits": ["dibao"],
    "basic_situation": "独居老人，患慢性病。",
}


class HouseholdCategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category = Field(
        description="Vulnerability category (dictionary `vulnerability_category`)."
    )
    subtype: Subtype | None = Field(
        default=None, description="Subtype of that category (dictionary `vulnerability_subtype`)."
    )
    person_id: uuid.UUID | None = Field(
        default=None, description="The member the category belongs to; null for the household."
    )


class HouseholdFields(BaseModel):
    """The fields of a ledger record that staff edit directly."""

    model_config = ConfigDict(extra="forbid")

    hukou_region_code: str | None = Field(
        default=None,
        pattern=DIVISION_CODE_PATTERN,
        description=(
            "Hukou (户籍) place as a national administrative division code: county (6 digits), "
            "town or street (9) or village or community (12); anywhere in the country, not "
            "only in the ledger's regions. The eligibility rules read it (hukou in the district)."
        ),
        examples=["500112"],
    )
    hukou_place: str | None = Field(
        default=None,
        max_length=100,
        description="A readable label of the hukou place, e.g. 重庆市渝北区; rules do not read it.",
    )
    hukou_type: HukouType | None = Field(
        default=None, description="Hukou type (dictionary `hukou_type`)."
    )
    settled_since: Day | None = Field(
        default=None,
        description=(
            "Since when the household actually lives in the city (来城市居住); not in the "
            "future (422 `date_in_future`)."
        ),
    )
    causes: list[OpenCode] | None = Field(
        default=None,
        max_length=20,
        description="Hardship causes (致困原因, dictionary `hardship_cause`).",
    )
    needs: list[OpenCode] | None = Field(
        default=None, max_length=20, description="Needs (帮扶需求, dictionary `need`)."
    )
    benefits: list[GovernmentAid] | None = Field(
        default=None,
        max_length=20,
        description="Benefits received (dictionary `government_aid`); `[]` records that there are none.",
    )
    no_help_reason: OpenCode | None = Field(
        default=None,
        description="Why no measure was taken (未帮扶原因, dictionary `no_help_reason`). "
        "Measures taken are dated records: `/households/{id}/measures`.",
    )
    no_help_note: Text | None = Field(
        default=None, description="Details of why no measure was taken."
    )
    basic_situation: Text | None = Field(default=None, description="Basic situation (基本情况).")
    emergency_situation: Text | None = Field(
        default=None, description="Emergency situation (紧急情况)."
    )


RECORD_FIELDS = (
    "hukou_region_code",
    "hukou_place",
    "hukou_type",
    "settled_since",
    "benefits",
    "no_help_reason",
    "no_help_note",
    "basic_situation",
    "emergency_situation",
)
"""The record's own fields that staff edit directly (the lists are kept apart)."""


class HouseholdCreate(HouseholdFields):
    """A new ledger record, optionally with its members; the member related `self` is the head."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE_IN,
                    "target_type_decisions": [
                        {
                            "target_type": "dibao",
                            "deciding_body": "双龙湖街道办事处",
                            "decided_on": "2026-03-15",
                            "reference": "双龙湖街低保〔2026〕12号",
                            "ends_on": None,
                        }
                    ],
                    "members": [
                        {
                            "name": "张秀英",
                            "id_number": EXAMPLE_ID_NUMBER,
                            "relation_to_head": "self",
                        }
                    ],
                }
            ]
        },
    )

    region_code: str = Field(
        pattern=CODE_PATTERN, description="Community or grid the household lives in."
    )
    address: Address = Field(description="Street address.")
    target_type_decisions: list[DecisionIn] = Field(
        default_factory=list,
        max_length=3,
        description="Decisions of the dibao, tekun or registered-hardship procedure the "
        "household holds, with body, date and reference (street officers only: others get "
        "403). They need urban hukou; dibao and tekun exclude each other. The new types come "
        "only from an assessment.",
    )
    categories: list[HouseholdCategoryIn] = Field(
        default_factory=list,
        max_length=20,
        description="Vulnerability categories of the household.",
    )
    members: list[MemberIn] = Field(default_factory=list, max_length=20, description="Members.")


class HouseholdPatch(HouseholdFields):
    """Changes to a record (If-Match); fields left out stay, lists are replaced whole."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"needs": ["medical"], "no_help_reason": "pending_review"}]
        },
    )

    region_code: str | None = Field(
        default=None, pattern=CODE_PATTERN, description="Community or grid the household lives in."
    )
    address: Address | None = Field(default=None, description="Street address.")
    head_person_id: uuid.UUID | None = Field(
        default=None,
        description=(
            "A member to become the head: their relation becomes `self`, and a former head "
            "who is still a member takes `former_head_relation`. The other members' relations "
            "stay as they are, for you to correct."
        ),
    )
    former_head_relation: FormerHeadRelation | None = Field(
        default=None,
        description=(
            "With a `head_person_id` naming another member, when there is a former head: what "
            "the former head is to the new one (default `other`; not `self`)."
        ),
    )
    categories: list[HouseholdCategoryIn] | None = Field(
        default=None, max_length=20, description="Vulnerability categories (replaces them)."
    )


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    category: Category = Field(description="Dictionary `vulnerability_category`.")
    subtype: Subtype | None = Field(description="Dictionary `vulnerability_subtype`.")
    person_id: uuid.UUID | None = Field(
        description="The member it belongs to; null for the household."
    )


class HouseholdSummary(BaseModel):
    """A household in a list."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "ledger_number": "500112-2026-000123",
                    "region_code": "500112001001001",
                    "address": "双龙湖街道龙湖社区 3 栋 2 单元 501",
                    "status": "active",
                    "head_name": "张**",
                    "target_types": ["dibao"],
                    "categories": ["social_assistance"],
                    "complete": False,
                    "attention": None,
                    "version": 3,
                    "updated_at": "2026-11-23T08:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Household id.")
    ledger_number: str = Field(
        description="The household's file number (一户一档): district code, year of entry and a "
        "sequence per district and year (at least 6 digits), e.g. `500112-2026-000123`; given "
        "at creation, never changed or reused."
    )
    region_code: str = Field(description="Community or grid code.")
    address: str = Field(description="Street address.")
    status: HouseholdStatus = Field(description="Dictionary `household_status`.")
    head_name: str | None = Field(description="Head's name, masked for roles that may not see it.")
    target_types: list[TargetType] = Field(
        description="Target types held now (from decisions in force), sorted; the same shape "
        "as the full record's `target_types`."
    )
    categories: list[Category] = Field(
        description="Vulnerability categories held (distinct; dictionary `vulnerability_category`)."
    )
    complete: bool = Field(description="Whether every field the categories require is filled.")
    attention: Attention | None = Field(
        description="Why the record needs attention: `head_left` (the head moved away) or "
        "`no_members` (the last member left)."
    )
    version: int = Field(description="Version for If-Match.")
    updated_at: datetime = Field(description="Last change.")


class MissingFieldOut(BaseModel):
    """A gap of completeness with what a person reads for it."""

    field: str = Field(description="The key, as listed in `missing_fields`.")
    label: Labels = Field(
        description="The field in zh-CN and en, e.g. `成员的就业状况` / `member's employment` "
        "for `members.<person id>.employment`; the member is the one the key names."
    )


class HouseholdOut(BaseModel):
    """One ledger record with its members, masked per role."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_EXAMPLE_IN,
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "ledger_number": "500112-2026-000123",
                    "district_code": "500112",
                    "target_types": ["dibao"],
                    "target_type_decisions": [{**DECISION_EXAMPLE, "ends_on": None}],
                    "categories": [
                        {
                            "category": "social_assistance",
                            "subtype": "assistance_dibao",
                            "person_id": None,
                        }
                    ],
                    "status": "active",
                    "exited_on": None,
                    "exit_reason": None,
                    "exit_note": None,
                    "attention": None,
                    "head_person_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12",
                    "paired_worker": None,
                    "no_help_reason": None,
                    "no_help_note": None,
                    "emergency_situation": None,
                    "complete": False,
                    "missing_fields": ["hukou_type"],
                    "missing_field_labels": [
                        {"field": "hukou_type", "label": {"zh-CN": "户籍类型", "en": "hukou type"}}
                    ],
                    "members": [],
                    "version": 1,
                    "created_at": "2026-11-23T08:00:00Z",
                    "updated_at": "2026-11-23T08:00:00Z",
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Household id.")
    ledger_number: str = Field(
        description="The household's file number (一户一档): district code, year of entry and a "
        "sequence per district and year (at least 6 digits), e.g. `500112-2026-000123`; given "
        "at creation, never changed or reused."
    )
    region_code: str = Field(description="Community or grid code.")
    district_code: str = Field(description="District code.")
    address: str = Field(description="Street address.")
    hukou_region_code: str | None = Field(
        description="Hukou place as a national division code (6, 9 or 12 digits)."
    )
    hukou_place: str | None = Field(description="Readable label of the hukou place.")
    hukou_type: HukouType | None = Field(description="Dictionary `hukou_type`.")
    settled_since: date | None = Field(description="Since when it lives in the city.")
    target_types: list[TargetType] = Field(
        description="Target types held now (from decisions in force), sorted; the same shape "
        "as in the list's summaries."
    )
    target_type_decisions: list[DecisionOut] = Field(
        description="The decision in force behind each of `target_types`, in the same order; "
        "every decision, ended ones too, at `/target-type-decisions`."
    )
    categories: list[CategoryOut] = Field(description="Vulnerability categories.")
    causes: list[str] = Field(description="Hardship causes (dictionary `hardship_cause`).")
    needs: list[str] = Field(description="Needs (dictionary `need`).")
    benefits: list[GovernmentAid] | None = Field(
        description="Benefits received (dictionary `government_aid`); null when not recorded."
    )
    no_help_reason: str | None = Field(
        description="Why no measure was taken (dictionary `no_help_reason`)."
    )
    no_help_note: str | None = Field(description="Details of why no measure was taken.")
    basic_situation: str | None = Field(description="Basic situation.")
    emergency_situation: str | None = Field(description="Emergency situation.")
    status: HouseholdStatus = Field(description="Dictionary `household_status`.")
    exited_on: date | None = Field(description="Day it left the ledger, while exited.")
    exit_reason: str | None = Field(description="Dictionary `exit_reason`, while exited.")
    exit_note: str | None = Field(description="Note on the exit, while exited.")
    attention: Attention | None = Field(
        description="Why the record needs attention: `head_left` or `no_members`; null when none."
    )
    head_person_id: uuid.UUID | None = Field(description="The head's person id.")
    paired_worker: ActorRef | None = Field(
        description="The paired community or grid worker (对口帮扶), with its name; null when "
        "none is paired."
    )
    complete: bool = Field(description="Whether every field the categories require is filled.")
    missing_fields: list[str] = Field(
        description="Required fields still missing (DOMAIN 3-4), as machine keys."
    )
    missing_field_labels: list[MissingFieldOut] = Field(
        description="The same gaps in the same order, each with labels a person can read."
    )
    members: list[MemberOut] = Field(description="Active members.")
    version: int = Field(description="Version for If-Match.")
    created_at: datetime = Field(description="When the record was created.")
    updated_at: datetime = Field(description="Last change.")


class ChangeOut(BaseModel):
    """One entry of a household's history."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e13",
                    "occurred_at": "2026-11-23T08:00:00Z",
                    "actor": {
                        "type": "user",
                        "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e14",
                        "display_name": "百果园社区工作者",
                    },
                    "actor_role": "community_worker",
                    "action": "household.update",
                    "person_id": None,
                    "changes": {"needs": {"before": ["care"], "after": ["care", "medical"]}},
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Entry id.")
    occurred_at: datetime = Field(description="When.")
    actor: ActorRef = Field(description="Who made the change.")
    actor_role: Role | None = Field(description="The actor's role then.")
    action: str = Field(description="What kind of change, e.g. `household.update`, `member.add`.")
    person_id: uuid.UUID | None = Field(description="The member concerned, if any.")
    changes: dict[str, Any] = Field(
        description="Changed fields, each `{before, after}`; personal values masked per role."
    )


class RegionCompletenessOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"region_code": "500112001", "households": 120, "complete": 96, "share": "0.8000"}
            ]
        }
    )

    region_code: str = Field(description="A child region of the one asked for.")
    households: int = Field(description="Active households in that subtree.")
    complete: int = Field(description="Of those, complete records.")
    share: str = Field(
        description="complete / households as a decimal string (4 places); `0` when none."
    )


class CompletenessOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "region_code": "500112",
                    "households": 120,
                    "complete": 96,
                    "share": "0.8000",
                    "regions": [
                        {
                            "region_code": "500112001",
                            "households": 120,
                            "complete": 96,
                            "share": "0.8000",
                        }
                    ],
                }
            ]
        }
    )

    region_code: str = Field(description="The region asked for.")
    households: int = Field(description="Active households in its subtree.")
    complete: int = Field(description="Of those, complete records.")
    share: str = Field(description="complete / households, 4 decimal places.")
    regions: list[RegionCompletenessOut] = Field(description="The same per child region.")
