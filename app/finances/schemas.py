"""Incomes, rigid expenditures and assets as the API shows and accepts them (DOMAIN 4)."""

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from app.core.money import Yuan
from app.dictionaries.public import CodeOf

MONTH_PATTERN = r"^[12][0-9]{3}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)
MAX_AMOUNT = Decimal("99999999.99")
"""A monthly amount or an asset's value above a hundred million yuan is a typing error."""
MAX_MONTHLY_ITEMS = 500
MAX_ASSETS = 100


def _month(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime) and value.day == 1:
        return value
    if isinstance(value, str) and _MONTH.match(value):
        return date(int(value[:4]), int(value[5:]), 1)
    raise ValueError('a month is written "YYYY-MM", e.g. "2026-11"')


_MONTH_SCHEMA = {"type": "string", "pattern": MONTH_PATTERN, "examples": ["2026-11"]}

Month = Annotated[
    date,
    BeforeValidator(_month),
    PlainSerializer(lambda month: f"{month.year:04d}-{month.month:02d}", return_type=str),
    WithJsonSchema(_MONTH_SCHEMA, mode="validation"),
    WithJsonSchema(_MONTH_SCHEMA, mode="serialization"),
]
"""A calendar month in JSON ("2026-11"); the first day of it in Python and the database."""

Amount = Annotated[Yuan, Field(ge=0, le=MAX_AMOUNT)]
IncomeSource = Annotated[str, CodeOf("income_source")]
AssetKind = Annotated[str, CodeOf("asset_kind")]
OpenCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]

_AMOUNT = 'In yuan, a decimal string with at most two places, from "0.00" to "99999999.99".'
_PERSON = "The member it belongs to; null for the household as a whole."
_HOUSEHOLD = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11"
_MEMBER = "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e12"
_INCOME: dict[str, Any] = {
    "person_id": _MEMBER,
    "month": "2026-10",
    "source": "wages",
    "amount": "2300.50",
}
_EXPENDITURE: dict[str, Any] = {
    "month": "2026-10",
    "kind": "medical",
    "amount": "546.00",
    "note": "住院自付部分",
}
_ASSET: dict[str, Any] = {
    "kind": "vehicle",
    "description": "2012 年购入的二手面包车",
    "value": "15000.00",
    "person_id": _MEMBER,
}


class IncomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_INCOME]})

    person_id: uuid.UUID | None = Field(
        default=None, description=_PERSON + " A member of the household, now or formerly."
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
    source: str = Field(description="Where it comes from (dictionary `income_source`).")
    amount: Yuan = Field(description="The month's income from this source, in yuan.")


class MonthTotal(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"month": "2026-10", "amount": "2846.50"}]}
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
    "to": "2026-10",
    "version": 7,
}


class IncomesOut(_MonthlyOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_RANGE,
                    "items": [_INCOME],
                    "monthly_totals": [{"month": "2026-10", "amount": "2300.50"}],
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
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_EXPENDITURE]}
    )

    month: Month = Field(description='The month, "YYYY-MM"; within the range being replaced.')
    kind: OpenCode = Field(
        description=(
            "Kind of rigid expenditure (刚性支出; dictionary `rigid_expenditure_kind`, "
            "an open list: administrators add kinds)."
        )
    )
    amount: Amount = Field(description="The amount spent. " + _AMOUNT)
    note: str | None = Field(default=None, max_length=200, description="What it was for.")


class ExpendituresIn(BaseModel):
    """Every rigid expenditure of the range: what is not listed is no longer recorded."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"items": [_EXPENDITURE]}]}
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
    amount: Yuan = Field(description="The amount spent, in yuan.")
    note: str | None = Field(description="What it was for.")


class ExpendituresOut(_MonthlyOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_RANGE,
                    "items": [_EXPENDITURE],
                    "monthly_totals": [{"month": "2026-10", "amount": "546.00"}],
                    "total": "546.00",
                }
            ]
        }
    )

    items: list[ExpenditureOut] = Field(
        description="Rigid expenditures of the range by month, in the order they were given."
    )


class AssetIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [_ASSET]}
    )

    kind: AssetKind = Field(description="Kind of asset (dictionary `asset_kind`).")
    description: str = Field(
        min_length=1, max_length=200, description="What it is, e.g. the vehicle or the flat."
    )
    value: Amount | None = Field(default=None, description="Estimated value, if known. " + _AMOUNT)
    person_id: uuid.UUID | None = Field(
        default=None, description=_PERSON + " A member of the household, now or formerly."
    )


class AssetsIn(BaseModel):
    """The household's whole asset list: what is not listed is no longer recorded."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"items": [_ASSET]}]})

    items: list[AssetIn] = Field(
        max_length=MAX_ASSETS,
        description=f"Every asset of the household. At most {MAX_ASSETS}; an empty list clears it.",
    )


class AssetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_ASSET]})

    kind: str = Field(description="Kind of asset (dictionary `asset_kind`).")
    description: str = Field(description="What it is.")
    value: Yuan | None = Field(description="Estimated value in yuan, if known.")
    person_id: uuid.UUID | None = Field(description=_PERSON)


class AssetsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "household_id": _HOUSEHOLD,
                    "items": [_ASSET],
                    "total_value": "15000.00",
                    "version": 7,
                }
            ]
        }
    )

    household_id: uuid.UUID = Field(description="Household id.")
    items: list[AssetOut] = Field(description="The assets, in the order they were given.")
    total_value: Yuan = Field(description="Sum of the known values, in yuan, exact.")
    version: int = Field(
        description="The household's version, also its ETag; send it as If-Match to replace."
    )
