"""The JSON of policy versions (DOMAIN 5): what is sent, what is answered."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, PlainSerializer

from app.core.dates import Day
from app.core.money import DecimalString, Yuan
from app.core.region_codes import CODE_PATTERN
from app.dictionaries.public import CodeOf
from app.eligibility.policies.states import PolicyVersionStatus

MULTIPLIER_PATTERN = r"^[0-9]{1,3}(\.[0-9]{1,2})?$"
"""A multiplier of L or a ratio: at most two places; a hundred L or more is a typing error."""

Multiplier = Annotated[
    Decimal,
    DecimalString(MULTIPLIER_PATTERN, "2.00", "decimal_format"),
    AfterValidator(lambda value: value.quantize(Decimal("0.01"))),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    Field(gt=0),
]
"""A positive decimal string with at most two places ("1.50")."""

Area = Annotated[
    Decimal,
    DecimalString(r"^[0-9]{1,6}(\.[0-9]{1,2})?$", "40.00", "decimal_format"),
    AfterValidator(lambda value: value.quantize(Decimal("0.01"))),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
]
"""Square metres, a decimal string with at most two places."""

Limit = Annotated[Yuan, Field(ge=0)]
Count = Annotated[int, Field(strict=True, ge=0, le=99)]
"""A whole number of things; strict: `true` is no number."""
Weight = Annotated[int, Field(strict=True, ge=0, le=100)]
RigidKind = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
VehicleType = Annotated[str, CodeOf("vehicle_type")]
PolicyStatus = Annotated[PolicyVersionStatus, Field(description="draft, published or retired.")]

_L = "The urban dibao standard L (城市低保标准), yuan per person per month."
_FLOOR = "Both types: per-capita monthly income at least this many L (1倍以上); > 0."
_CEILING = "Income type: per-capita monthly income at most this many L (2倍以内)."
_EXP_CEILING = "Expenditure type: per-capita monthly income at most this many L (5倍以内)."
_RATIO = (
    "Rigid expenditure against income: the expenditure type at or above it, the income type "
    "below it (1.5倍)."
)
_RESIDENCY = "Years of living in the city on the reference date, at least (2年及以上)."
_RIGID = (
    "Codes of dictionary `rigid_expenditure_kind` counted as rigid expenditure (因灾、因病、"
    "因学); each once."
)
_FROM = "First day in force (Asia/Shanghai business date)."
_TO = "Last day in force, inclusive; null: until further notice. Not before `effective_from`."
_NAME = "Name of the version, or the reference of the document that sets it."
_DESCRIPTION = "What the version is and where its figures come from."

EXAMPLE_WEIGHTS: dict[str, JsonValue] = {
    "income_gap": 30,
    "expenditure_ratio": 20,
    "dependants": 10,
    "elderly": 10,
    "children": 10,
    "disability": 10,
    "major_illness": 10,
}
EXAMPLE_LIMITS: dict[str, JsonValue] = {
    "financial_per_capita": "21600.00",
    "vehicles": 0,
    "exempt_vehicle_types": ["disability_vehicle"],
    "real_estate_units": 1,
    "real_estate_area_per_capita": None,
}
EXAMPLE_IN: dict[str, JsonValue] = {
    "region_code": "500112",
    "name": "渝北区城市低保标准（演示）",
    "description": "演示数据：L = 720 元/人·月，非真实政策数值。",
    "effective_from": "2026-01-01",
    "effective_to": None,
    "dibao_standard": "720.00",
    "income_floor": "1.00",
    "income_ceiling": "2.00",
    "expenditure_ceiling": "5.00",
    "expenditure_ratio": "1.50",
    "residency_years": 2,
    "rigid_kinds": ["medical", "education", "disaster"],
    "asset_limits": EXAMPLE_LIMITS,
    "weights": EXAMPLE_WEIGHTS,
}


class Weights(BaseModel):
    """Points of each priority-score factor (DOMAIN 5, "Scoring"); they add up to 100."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_WEIGHTS]})

    income_gap: Weight = Field(description="How far per-capita income lies below the line.")
    expenditure_ratio: Weight = Field(description="Rigid expenditure against income.")
    dependants: Weight = Field(description="Members without income of their own, per member.")
    elderly: Weight = Field(description="Elderly members.")
    children: Weight = Field(description="Children.")
    disability: Weight = Field(description="Members with a disability.")
    major_illness: Weight = Field(description="Members with a major illness.")


class AssetLimits(BaseModel):
    """家庭财产情况符合有关要求 (Yubei 3(1)): each limit as the policy states it; null: the
    policy sets no such limit."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_LIMITS]})

    financial_per_capita: Limit | None = Field(
        default=None, description="Yuan of financial assets per member, at most."
    )
    vehicles: Count | None = Field(
        default=None, description="Vehicles owned, at most, not counting the exempt types."
    )
    exempt_vehicle_types: list[VehicleType] = Field(
        default_factory=lambda: ["disability_vehicle"],
        max_length=10,
        description="Vehicle types (dictionary `vehicle_type`) the vehicle limit ignores.",
    )
    real_estate_units: Count | None = Field(default=None, description="Dwellings owned, at most.")
    real_estate_area_per_capita: Area | None = Field(
        default=None, description="Square metres of real estate per member, at most."
    )


class PolicyTermsFields(BaseModel):
    """The figures of a version, as a draft is created with them."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description=_NAME)
    description: str = Field(default="", max_length=4000, description=_DESCRIPTION)
    effective_from: Day = Field(description=_FROM)
    effective_to: Day | None = Field(default=None, description=_TO)
    dibao_standard: Annotated[Yuan, Field(gt=0)] = Field(description=_L)
    income_floor: Multiplier = Field(default=Decimal(1), description=_FLOOR)
    income_ceiling: Multiplier = Field(default=Decimal(2), description=_CEILING)
    expenditure_ceiling: Multiplier = Field(default=Decimal(5), description=_EXP_CEILING)
    expenditure_ratio: Multiplier = Field(default=Decimal("1.5"), description=_RATIO)
    residency_years: int = Field(default=2, strict=True, ge=0, le=50, description=_RESIDENCY)
    rigid_kinds: list[RigidKind] = Field(
        default_factory=lambda: ["medical", "education", "disaster"],
        min_length=1,
        max_length=20,
        description=_RIGID,
    )
    asset_limits: AssetLimits = Field(
        default_factory=AssetLimits, description="The asset limits (家庭财产)."
    )
    weights: Weights = Field(description="The priority-score weights, adding up to 100.")


class PolicyIn(PolicyTermsFields):
    """A new draft version (`POST /policies`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_IN]})

    region_code: str = Field(
        pattern=CODE_PATTERN,
        description="The region whose subtree the version applies to; within your jurisdiction.",
    )


class PolicyPatch(BaseModel):
    """Changes to a draft: only the fields given change; `asset_limits` and `weights` are
    replaced whole. The region stays."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"dibao_standard": "760.00", "effective_to": None}]},
    )

    name: str | None = Field(default=None, min_length=1, max_length=200, description=_NAME)
    description: str | None = Field(default=None, max_length=4000, description=_DESCRIPTION)
    effective_from: Day | None = Field(default=None, description=_FROM)
    effective_to: Day | None = Field(default=None, description=_TO)
    dibao_standard: Annotated[Yuan, Field(gt=0)] | None = Field(default=None, description=_L)
    income_floor: Multiplier | None = Field(default=None, description=_FLOOR)
    income_ceiling: Multiplier | None = Field(default=None, description=_CEILING)
    expenditure_ceiling: Multiplier | None = Field(default=None, description=_EXP_CEILING)
    expenditure_ratio: Multiplier | None = Field(default=None, description=_RATIO)
    residency_years: int | None = Field(
        default=None, strict=True, ge=0, le=50, description=_RESIDENCY
    )
    rigid_kinds: list[RigidKind] | None = Field(
        default=None, min_length=1, max_length=20, description=_RIGID
    )
    asset_limits: AssetLimits | None = Field(default=None, description="The asset limits.")
    weights: Weights | None = Field(default=None, description="The weights, adding up to 100.")


class PolicyOut(PolicyTermsFields):
    """A policy version (ETag: its version)."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    **EXAMPLE_IN,
                    "status": "published",
                    "allowed": ["retire"],
                    "version": 2,
                    "created_at": "2025-12-01T08:00:00+08:00",
                    "created_by": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12",
                    "updated_at": "2025-12-02T08:00:00+08:00",
                    "updated_by": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12",
                    "published_at": "2025-12-02T08:00:00+08:00",
                    "published_by": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12",
                    "retired_at": None,
                    "retired_by": None,
                }
            ]
        },
    )

    id: uuid.UUID = Field(description="Policy version id.")
    region_code: str = Field(description="The region whose subtree the version applies to.")
    status: PolicyStatus
    allowed: list[str] = Field(description="The actions (`publish`, `retire`) its status allows.")
    version: int = Field(description="Version for If-Match.")
    created_at: datetime = Field(description="When the draft was created.")
    created_by: uuid.UUID | None = Field(description="Who created it.")
    updated_at: datetime = Field(description="When it last changed.")
    updated_by: uuid.UUID | None = Field(description="Who changed it last.")
    published_at: datetime | None = Field(description="When it was published; null: not yet.")
    published_by: uuid.UUID | None = Field(description="Who published it.")
    retired_at: datetime | None = Field(description="When it was retired; null: not retired.")
    retired_by: uuid.UUID | None = Field(description="Who retired it.")
