"""The JSON of simulations (DOMAIN 5): what is sent, what is answered."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, PlainSerializer

from app.core.dates import Day
from app.core.region_codes import CODE_PATTERN
from app.eligibility.simulations.states import SimulationStatus

Score = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str)]
_OUTCOMES = (
    "already_registered, cannot_assess, refer_to_dibao, income_poverty, expenditure_poverty "
    "or not_eligible"
)
_FROM = f"The outcome under the version in force on the reference date: {_OUTCOMES}; `no_policy` when none is."
_TO = f"The outcome under the simulated version: {_OUTCOMES}."

EXAMPLE_IN: dict[str, JsonValue] = {
    "policy_version_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
    "region": "500112",
    "reference_date": "2026-06-15",
}


class SimulationIn(BaseModel):
    """What to simulate: a version, over a region subtree, on a reference date."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    policy_version_id: uuid.UUID = Field(
        description="The version to simulate: a draft or a published version you may read "
        "(422 `not_found`; a retired one: `policy_retired`)."
    )
    region: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="The region whose subtree is simulated; default the version's region. "
        "Within the version's region and your district (else 422 `region_out_of_scope`).",
    )
    reference_date: Day | None = Field(
        default=None,
        description="The reference date D (window: the 12 months before its month); default "
        "today (Asia/Shanghai).",
    )


class Progress(BaseModel):
    processed: int = Field(description="Households evaluated so far.")
    total: int | None = Field(
        description="Active households of the subtree when the run started; null while queued."
    )


class Timings(BaseModel):
    created_at: datetime = Field(description="When the simulation was asked for.")
    started_at: datetime | None = Field(description="When the worker first started it.")
    finished_at: datetime | None = Field(description="When it succeeded, failed or was cancelled.")
    seconds: float | None = Field(description="From start to finish; null until finished.")


class Transition(BaseModel):
    region_code: str = Field(description="The households' region (their ledger region).")
    from_outcome: str = Field(alias="from", description=_FROM)
    to_outcome: str = Field(alias="to", description=_TO)
    count: int = Field(description="How many households of the region move so.")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Total(BaseModel):
    from_outcome: str = Field(alias="from", description=_FROM)
    to_outcome: str = Field(alias="to", description=_TO)
    count: int = Field(description="How many households of the subtree move so.")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class SimulationOut(BaseModel):
    """A simulation and how far it got; the counts once it succeeded."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e21",
                    "policy_version_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
                    "policy_version_version": 1,
                    "region_code": "500112",
                    "reference_date": "2026-06-15",
                    "status": "succeeded",
                    "progress": {"processed": 3, "total": 3},
                    "changed": 1,
                    "failure_code": None,
                    "timings": {
                        "created_at": "2026-06-15T08:00:00+08:00",
                        "started_at": "2026-06-15T08:00:01+08:00",
                        "finished_at": "2026-06-15T08:00:02+08:00",
                        "seconds": 1.0,
                    },
                    "transitions": [
                        {
                            "region_code": "500112001001",
                            "from": "no_policy",
                            "to": "income_poverty",
                            "count": 1,
                        },
                        {
                            "region_code": "500112001001",
                            "from": "not_eligible",
                            "to": "not_eligible",
                            "count": 2,
                        },
                    ],
                    "totals": [
                        {"from": "no_policy", "to": "income_poverty", "count": 1},
                        {"from": "not_eligible", "to": "not_eligible", "count": 2},
                    ],
                }
            ]
        }
    )

    id: uuid.UUID = Field(description="Simulation id.")
    policy_version_id: uuid.UUID = Field(description="The version simulated.")
    policy_version_version: int = Field(
        description="Its edit counter (`version`) when asked for; a draft edited since fails "
        "the simulation (`policy_version_changed`)."
    )
    region_code: str = Field(description="The region whose subtree was simulated.")
    reference_date: date = Field(description="The reference date D.")
    status: SimulationStatus = Field(description="queued, running, succeeded, failed or cancelled.")
    progress: Progress = Field(description="Households evaluated of those to evaluate.")
    changed: int = Field(description="Households whose outcome the version changes, so far.")
    failure_code: str | None = Field(
        description="Why it failed (`policy_version_changed`, `simulation_internal_error`); "
        "null unless `failed`."
    )
    timings: Timings = Field(description="When it was asked for, started and finished.")
    transitions: list[Transition] | None = Field(
        description="Households by region, current outcome and new outcome (unchanged ones "
        "too), sorted; null until it succeeded."
    )
    totals: list[Total] | None = Field(
        description="The same over the whole subtree; null until it succeeded."
    )


class SimulationChangeOut(BaseModel):
    """A household whose outcome the simulated version changes."""

    model_config = ConfigDict(
        populate_by_name=True,
        serialize_by_alias=True,
        json_schema_extra={
            "examples": [
                {
                    "household_id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e31",
                    "region_code": "500112001001",
                    "ledger_number": "500112-2026-000123",
                    "head_name": "张秀英",
                    "from": "not_eligible",
                    "to": "income_poverty",
                    "score": "62.50",
                }
            ]
        },
    )

    household_id: uuid.UUID = Field(description="The household.")
    region_code: str = Field(description="Its region when simulated.")
    ledger_number: str | None = Field(description="Its ledger number (台账编号).")
    head_name: str | None = Field(
        description="Its head's name, masked for roles that may not see it."
    )
    from_outcome: str = Field(alias="from", description=_FROM)
    to_outcome: str = Field(alias="to", description=_TO)
    score: Score | None = Field(
        description="The new priority score (0 to 100) when the new outcome is eligible."
    )
