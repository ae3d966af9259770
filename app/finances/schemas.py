"""Incomes, rigid expenditures and assets as the API shows and accepts them (DOMAIN 4)."""

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from app.core.dates import MONTH_PATTERN
from app.core.field_messages import field_error
from app.core.money import DecimalString, Yuan
from app.dictionaries.public import CodeOf

_MONTH = re.compile(MONTH_PATTERN)
AMOUNT_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"
"""A monthly amount or an asset's value: not negative, and above a hundred million yuan
(99999999.99) it is a typing error."""
MAX_MONTHLY_ITEMS = 500
MAX_ASSETS = 100


def _month(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime) and value.day == 1:
        return value
    if isinstance(value, str) and _MONTH.fullmatch(value):
        return date(int(value[:4]), int(value[5:]), 1)
    raise field_error("month_format")


_EXAMPLE_MONTH = "2026-10"
"""The month of every example: its items' month is the range the examples of `from` and `to`
replace, so the examples of a request agree with each other."""
_MONTH_SCHEMA = {"type": "string", "pattern": MONTH_PATTERN, "examples": [_EXAMPLE_MONTH]}

Month = Annotated[
    date,
    BeforeValidator(_month),
    PlainSerializer(lambda month: f"{month.year:04d}-{month.month:02d}", return_type=str),
    WithJsonSchema(_MONTH_SCHEMA, mode="validation"),
    WithJsonSchema(_MONTH_SCHEMA, mode="serialization"),
]
"""A calendar month in JSON ("2026-11"); the first day of it in Python and the database."""

Amount = Annotated[
    Yuan,
    DecimalString(
        AMOUNT_PATTERN,
        "546.00",
        "amount_format",
    ),
]
IncomeSource = Annotated[str, CodeOf("income_source")]
AssetKind = Annotated[str, CodeOf("asset_kind")]
VehicleType = Annotated[str, CodeOf("vehicle_type")]
FinancialType = Annotated[str, CodeOf("financial_asset_type")]
HUNDREDTHS_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"

TwoPlaces = Annotated[
    Decimal,
    DecimalString(HUNDREDTHS_PATTERN, "50.00", "decimal_format"),
    AfterValidator(lambda value: value.quantize(Decimal("0.01"))),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
]
"""A non-money decimal (an area, a percentage) in JSON: a string with at most two places."""
Share = Annotated[TwoPlaces, Field(gt=0, le=100)]
Area = Annotated[TwoPlaces, Field(gt=0, le=Decimal("999999.99"))]
OpenCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]

_AMOUNT = 'In yuan, a decimal string with at most two places, from "0.00" to "99999999.99".'
_PERSON = "The member it belongs to; null for the household as a whole."
_HOUSEHOLD = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
_MEMBER = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12"
_INCOME: dict[str, Any] = {
    "person_id": _MEMBER,
    "month": _EXAMPLE_MONTH,
    "source": "wages",
    "amount": "2300.50",
}
_EXPENDITURE_IN: dict[str, Any] = {
    "month": _EXAMPLE_MONTH,
    "kind": "medical",
    "gross_amount": "2184.00",
    "reimbursed_amount": "1638.00",
    "note": "住院费用，医保报销后自付部分",
}
_EXPENDITURE: dict[str, Any] = {**_EXPENDITURE_IN, "amount": "546.00"}
_ASSET_IN: dict[str, Any] = {
    "kind": "vehicle",
    "description": "2012 年购入的二手面包车",
    "value": "15000.00",
    "ownership_share": "100.00",
    "vehicle_type": "commercial_vehicle",
    "count": 1,
    "person_id": _MEMBER,
}
_ASSET: dict[str, Any] = {
    **_ASSET_IN,
    "area_m2": None,
    "financial_type": None,
    "owned_value": "15000.00",
}


class IncomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_INCOME]})

    person_id: uuid.UUID | None = Field(
        default=None,
        description=_PERSON
        + " A member of the household during that month, by the membership's joined and"
        " left dates (422 `not_a_member_that_month`).",
    )
    month: Month = Field(description='The month, "YYYY-MM"; within the range being replaced.')
    source: IncomeSource = Field(description="Where it comes from (dictionary `income_source`).")
    amount: Amount = Field(description="The month's income from this source. " + _AMOUNT)


class IncomesIn(BaseModel):
    """Every income of the range: what is not listed is no longer recorded."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"items": [_INCOME]}]}
    )

    items: list[IncomeIn] = Field(
        max_length=MAX_MONTHLY_ITEMS,
        description=(
            "The incomes of the months of the range; one item per member, month and source. "
            f"At most {MAX_MONTHLY_ITEMS}; an empty list clears the range."
        ),
    )


class IncomeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_INCOME]})

    person_id: uuid.UUID | None = Field(description=_PERSON)
    month: Month = Field(description='The month, "YYYY-MM".')
    source: IncomeSource = Field(description="Where it comes from (dictionary `income_source`).")
    amount: Yuan = Field(description="The month's income from this source, in yuan.")


class MonthTotal(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"month": _EXAMPLE_MONTH, "amount": "2846.50"}]}
    )

    month: Month = Field(description='The month, "YYYY-MM".')
    amount: Yuan = Field(description="Sum of the month's items, in yuan, exact.")


class _MonthlyOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    household_id: uuid.UUID = Field(description="Household id.")
    from_: Month = Field(alias="from", description="First month of the range.")
    to: Month = Field(description="Last month of the range.")
    monthly_totals: list[MonthTotal] = Field(
        description="Sum per month, for the months of the range that have items, oldest first."
    )
    total: Yuan = Field(description="Sum of every item of the range, in yuan, exact.")
    version: int = Field(
        description="The household's version, also its ETag; send it as If-Match to replace."
    )


_RANGE: dict[str, Any] = {
    "household_id": _HOUSEHOLD,
    "from": "2025-11",
    "to": _EXAMPLE_MONTH,
    "version": 7,
}


class IncomesOut(_MonthlyOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_RANGE,
                    "items": [_INCOME],
                    "monthly_totals": [{"month": _EXAMPLE_MONTH, "amount": "2300.50"}],
                    "total": "2300.50",
                }
            ]
        }
    )

    items: list[IncomeOut] = Field(
        description="Incomes of the range by month, in the order they were given."
    )


class ExpenditureIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXPENDITURE_IN]}
    )

    month: Month = Field(description='The month, "YYYY-MM"; within the range being replaced.')
    kind: OpenCode = Field(
        description=(
            "Kind of rigid expenditure (刚性支出; dictionary `rigid_expenditure_kind`, "
            "an open list: administrators add kinds)."
        )
    )
    gross_amount: Amount = Field(description="The amount spent before reimbursement. " + _AMOUNT)
    reimbursed_amount: Amount = Field(
        default=Decimal("0.00"),
        description=(
            "What was paid back (医保报销, insurance, charity refunds); at most the gross "
            "amount (422 `reimbursed_exceeds_gross`). " + _AMOUNT
        ),
    )
    note: str | None = Field(default=None, max_length=200, description="What it was for.")


class ExpendituresIn(BaseModel):
    """Every rigid expenditure of the range: what is not listed is no longer recorded."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"items": [_EXPENDITURE_IN]}]}
    )

    items: list[ExpenditureIn] = Field(
        max_length=MAX_MONTHLY_ITEMS,
        description=(
            f"The expenditures of the months of the range. At most {MAX_MONTHLY_ITEMS}; "
            "an empty list clears the range."
        ),
    )


class ExpenditureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_EXPENDITURE]})

    month: Month = Field(description='The month, "YYYY-MM".')
    kind: str = Field(description="Kind (dictionary `rigid_expenditure_kind`).")
    gross_amount: Yuan = Field(description="The amount spent before reimbursement, in yuan.")
    reimbursed_amount: Yuan = Field(description="What was paid back, in yuan.")
    amount: Yuan = Field(
        description="Net: what the household bore, gross minus reimbursed, in yuan (never negative)."
    )
    note: str | None = Field(description="What it was for.")


class KindTotal(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"kind": "medical", "amount": "546.00"}]}
    )

    kind: str = Field(description="Kind (dictionary `rigid_expenditure_kind`).")
    amount: Yuan = Field(description="Net sum of the kind over the range, in yuan, exact.")


class ExpendituresOut(_MonthlyOut):
    """Totals are net of reimbursement: what the household bore (DOMAIN 5's R)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_RANGE,
                    "items": [_EXPENDITURE],
                    "monthly_totals": [{"month": _EXAMPLE_MONTH, "amount": "546.00"}],
                    "kind_totals": [{"kind": "medical", "amount": "546.00"}],
                    "total": "546.00",
                }
            ]
        }
    )

    kind_totals: list[KindTotal] = Field(
        description="Net sum per kind over the range, for the kinds that have items, by code."
    )

    items: list[ExpenditureOut] = Field(
        description="Rigid expenditures of the range by month, in the order they were given."
    )


_BY_KIND = "required for kind `{kind}` and refused for other kinds (422 `{code}`)"


class AssetIn(BaseModel):
    """An asset; the kind decides its fields: `real_estate` has `area_m2`, `vehicle` has
    `vehicle_type` and `count`, `financial_asset` has `financial_type`, `other` none of
    them. A missing one is 422 `required_for_kind`, one given for another kind 422
    `not_for_kind`."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_ASSET_IN]}
    )

    kind: AssetKind = Field(description="Kind of asset (dictionary `asset_kind`).")
    description: str = Field(
        min_length=1, max_length=200, description="What it is, e.g. the vehicle or the flat."
    )
    value: Amount = Field(description="Estimated value of the whole asset. " + _AMOUNT)
    ownership_share: Share = Field(
        description=(
            "Percent of the asset the household owns, more than 0 and at most 100, at most "
            'two places ("50.00" for a flat owned half).'
        )
    )
    area_m2: Area | None = Field(
        default=None,
        description="Floor area in m², a decimal string; "
        + _BY_KIND.format(kind="real_estate", code="required_for_kind"),
    )
    vehicle_type: VehicleType | None = Field(
        default=None,
        description="Dictionary `vehicle_type`; "
        + _BY_KIND.format(kind="vehicle", code="required_for_kind"),
    )
    count: int | None = Field(
        default=None,
        strict=True,
        ge=1,
        le=99,
        description="How many such vehicles; "
        + _BY_KIND.format(kind="vehicle", code="required_for_kind"),
    )
    financial_type: FinancialType | None = Field(
        default=None,
        description="Dictionary `financial_asset_type`; "
        + _BY_KIND.format(kind="financial_asset", code="required_for_kind"),
    )
    person_id: uuid.UUID | None = Field(
        default=None, description=_PERSON + " A member of the household, now or formerly."
    )


class AssetsIn(BaseModel):
    """The household's whole asset list: what is not listed is no longer recorded."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"items": [_ASSET_IN]}]}
    )

    items: list[AssetIn] = Field(
        max_length=MAX_ASSETS,
        description=f"Every asset of the household. At most {MAX_ASSETS}; an empty list clears it.",
    )


class AssetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_ASSET]})

    kind: AssetKind = Field(description="Kind of asset (dictionary `asset_kind`).")
    description: str = Field(description="What it is.")
    value: Yuan | None = Field(
        description="Estimated value of the whole asset in yuan; null only on an asset "
        "recorded before values were required (replace the list to fill it in)."
    )
    ownership_share: TwoPlaces = Field(description="Percent of the asset the household owns.")
    owned_value: Yuan | None = Field(
        description="The household's part: value x share / 100, rounded half up to the fen."
    )
    area_m2: TwoPlaces | None = Field(description="Floor area in m², for real estate.")
    vehicle_type: VehicleType | None = Field(description="Dictionary `vehicle_type`, for vehicles.")
    count: int | None = Field(description="How many such vehicles, for vehicles.")
    financial_type: FinancialType | None = Field(
        description="Dictionary `financial_asset_type`, for financial assets."
    )
    person_id: uuid.UUID | None = Field(description=_PERSON)


class AssetsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": _HOUSEHOLD,
                    "items": [_ASSET],
                    "declared": True,
                    "total_value": "15000.00",
                    "total_owned_value": "15000.00",
                    "version": 7,
                }
            ]
        }
    )

    household_id: uuid.UUID = Field(description="Household id.")
    items: list[AssetOut] = Field(description="The assets, in the order they were given.")
    declared: bool = Field(
        description="Whether the household has declared its asset list (any replacement, an "
        'empty one included): with no items, true is "declared to have none", false "never '
        'declared" (an assessment cannot judge assets then).'
    )
    total_value: Yuan = Field(description="Sum of the known values, in yuan, exact.")
    total_owned_value: Yuan = Field(
        description="Sum of the household's parts (`owned_value`), in yuan, exact."
    )
    version: int = Field(
        description="The household's version, also its ETag; send it as If-Match to replace."
    )
