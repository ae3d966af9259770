"""The JSON of the charity federation's monthly needs report."""

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
STREET_PATTERN = r"^[0-9]{9}$"
_ID = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"

REPORT_IN_EXAMPLE: dict[str, Any] = {"region_code": "500112001", "month": "2026-11"}


class ReportIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [REPORT_IN_EXAMPLE]})

    region_code: str = Field(
        pattern=STREET_PATTERN, description="The street (街道/镇, 9 digits) the report is of."
    )
    month: str = Field(
        pattern=MONTH_PATTERN,
        description="`YYYY-MM`: a past month or the current one (Asia/Shanghai).",
    )


class NeedFigures(BaseModel):
    code: str = Field(description="The need (dictionary `need`).")
    households: int = Field(
        description="Households in the ledger at the end of the day `as_of` with this need live "
        "(open or being met)."
    )
    with_open_referral: int = Field(
        description="Of those, households with a referral of this need open at that time."
    )
    referred_to: dict[str, int] = Field(
        description="Of those, households by the kind of organisation (dictionary "
        "`organization_kind`) an open referral of this need is addressed to; a household "
        "referred to two kinds counts under each."
    )
    target_types: dict[str, int] = Field(
        description="Of the households with this need, how many hold each target type "
        "(dictionary `target_type`) on `as_of`; `none`: holding none. A household holding two "
        "counts under each."
    )


class ListedHousehold(BaseModel):
    household_id: uuid.UUID = Field(description="The household.")
    ledger_number: str = Field(description="Its ledger number (台账编号).")
    region_code: str = Field(description="Its community or grid.")
    needs: list[str] = Field(description="Its live need codes counted in the report, sorted.")


class ReportBody(BaseModel):
    """The figures as generated and stored (they never change afterwards)."""

    households: int = Field(description="Households with at least one live need.")
    needs: list[NeedFigures] = Field(description="Per need code, in code order.")
    listed: list[ListedHousehold] = Field(
        description="The households whose consent to share their data with the charity "
        "federation (an organisation of kind `charity_federation` serving the street) is in "
        "force on `as_of` (PIPL art. 23), by ledger number. The others are counted in the "
        "figures, never listed (de-identified)."
    )
    not_listed: int = Field(description="Households counted but not listed: no consent in force.")


class ReportSummary(BaseModel):
    id: uuid.UUID = Field(description="The report.")
    region_code: str = Field(description="The street.")
    month: str = Field(description="`YYYY-MM`.")
    version: int = Field(
        description="1 for the first generation of the street's month, then 2, 3, ...: the "
        "highest is the current report; earlier ones are kept as they were sent."
    )
    as_of: date = Field(
        description="The day the figures describe: the month's last day, or the generation "
        "day for the current month."
    )
    generated_at: datetime = Field(description="When it was generated.")
    generated_by: str = Field(
        description="The caller id of the user who asked, or `system` for the monthly job."
    )


REPORT_EXAMPLE: dict[str, Any] = {
    "id": _ID,
    "region_code": "500112001",
    "month": "2026-11",
    "version": 1,
    "as_of": "2026-11-30",
    "generated_at": "2026-12-01T01:00:00Z",
    "generated_by": "system",
    "body": {
        "households": 2,
        "needs": [
            {
                "code": "medical",
                "households": 2,
                "with_open_referral": 1,
                "referred_to": {"red_cross": 1},
                "target_types": {"dibao": 1, "none": 1},
            }
        ],
        "listed": [
            {
                "household_id": _ID,
                "ledger_number": "500112001-2026-00001",
                "region_code": "500112001001",
                "needs": ["medical"],
            }
        ],
        "not_listed": 1,
    },
}


class ReportOut(ReportSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [REPORT_EXAMPLE]})

    body: ReportBody = Field(description="The report's figures and list.")


class ReportSummaryOut(ReportSummary):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{k: v for k, v in REPORT_EXAMPLE.items() if k != "body"}]}
    )
