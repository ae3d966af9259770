"""Incomes, rigid expenditures and assets of a household (DOMAIN 4, 5; Yubei 3(2)).

They are the evidence of income and expenditure hardship, so they are
personal data: reads are audited, and every replacement is in the
household's history with the rows before and after. A replacement changes
the household's version, so it is guarded by If-Match on the household.
"""

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.core import dates
from app.core.auth import Actor
from app.core.db import ReadSession, WriteSession, utcnow
from app.core.errors import ValidationFailed
from app.core.field_messages import MONTHS, FieldMessage, register_field_messages
from app.dictionaries import public as dictionaries
from app.finances import repository
from app.finances.facts import AssetFact
from app.finances.models import Asset, Expenditure, Income
from app.finances.months import (
    DEFAULT_MONTHS,
    MAX_MONTHS,
    MonthRange,
    add_months,
    month_of,
    months_from,
)
from app.finances.repository import Monthly
from app.finances.schemas import AssetIn, ExpenditureIn, IncomeIn
from app.households import public as households
from app.households.public import Change, Event, HouseholdRef

_NAMES: dict[type[Any], str] = {Income: "incomes", Expenditure: "expenditures", Asset: "assets"}
_INCOME_FIELDS = ("month", "person_id", "source", "amount")
_EXPENDITURE_FIELDS = ("month", "kind", "gross_amount", "reimbursed_amount", "amount", "note")
_ASSET_FIELDS = (
    "kind",
    "description",
    "value",
    "ownership_share",
    "area_m2",
    "vehicle_type",
    "count",
    "financial_type",
    "person_id",
)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "real_estate": ("area_m2",),
    "vehicle": ("vehicle_type", "count"),
    "financial_asset": ("financial_type",),
    "other": (),
}
"""The fields each asset kind has (DOMAIN 4: area, vehicle type and count, financial type)."""
_KIND_SPECIFIC = ("area_m2", "vehicle_type", "count", "financial_type")
EXPENDITURE_KINDS = "rigid_expenditure_kind"


def month_range(first: date | None, last: date | None, today: date) -> MonthRange:
    """The months a request covers: by default the last 12 up to this month (DOMAIN 4), or
    fewer where they would start before the first month a `Month` takes."""
    last = last or month_of(today)
    first = first or max(add_months(last, 1 - DEFAULT_MONTHS), dates.EARLIEST)
    if first > last:
        raise ValidationFailed.at(["query", "from"], "too_early", earliest="to")
    if months_from(first, last) >= MAX_MONTHS:
        raise ValidationFailed.at(["query", "to"], "range_too_long", limit=MAX_MONTHS, **MONTHS)
    return MonthRange(first, last)


async def _read(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, name: str
) -> HouseholdRef:
    household = await households.personal(session, actor, household_id)
    households.audit_read(session, actor, f"household.{name}.read", household)
    return household


async def read_monthly(
    session: ReadSession,
    actor: Actor,
    household_id: uuid.UUID,
    model: type[Monthly],
    months: MonthRange,
) -> tuple[HouseholdRef, list[Monthly]]:
    """Incomes or rigid expenditures of a range of months; the read is audited (Beijing 7)."""
    household = await _read(session, actor, household_id, _NAMES[model])
    return household, await repository.in_range(session, model, household.id, months)


async def read_assets(
    session: ReadSession, actor: Actor, household_id: uuid.UUID
) -> tuple[HouseholdRef, list[Asset], bool]:
    """The household's assets and whether it declared them; the read is audited (Beijing 7)."""
    household = await _read(session, actor, household_id, "assets")
    declared = await repository.declared_at(session, household.id) is not None
    return household, await repository.assets(session, household.id), declared


async def replace_incomes(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    months: MonthRange,
    items: list[IncomeIn],
    expected_version: int,
) -> tuple[HouseholdRef, list[Income]]:
    """Replace the monthly incomes by member and source of a range of months (DOMAIN 4; Yubei 3(2)).

    One item per member, month and source; each member belongs to this
    household during the item's month, by the membership's joined and left
    dates (a former member's past incomes stay on record).
    """
    household = await _writable(session, actor, household_id, expected_version)
    _check_months(items, months)
    seen: set[tuple[uuid.UUID | None, date, str]] = set()
    for index, item in enumerate(items):
        key = (item.person_id, item.month, item.source)
        if key in seen:
            raise ValidationFailed.at(["body", "items", index], "duplicate")
        seen.add(key)
    await _check_members_in_month(session, household, items)
    rows = [_fields(item, _INCOME_FIELDS) for item in items]
    household = await _replace_range(
        session, actor, household, Income, months, rows, _INCOME_FIELDS
    )
    return household, await repository.in_range(session, Income, household.id, months)


async def replace_expenditures(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    months: MonthRange,
    items: list[ExpenditureIn],
    expected_version: int,
) -> tuple[HouseholdRef, list[Expenditure]]:
    """Replace the rigid expenditures (刚性支出) of a range of months (DOMAIN 4; Yubei 3(2)).

    Kinds come from an open list (因灾、因病、因学等): built in or added by
    administrators to `rigid_expenditure_kind`. Each item is gross and reimbursed
    (医保报销 and the like); the net, what the household bore, is stored beside them.
    """
    household = await _writable(session, actor, household_id, expected_version)
    _check_months(items, months)
    unknown = set(
        await dictionaries.unknown_codes(session, EXPENDITURE_KINDS, [i.kind for i in items])
    )
    for index, item in enumerate(items):
        if item.kind in unknown:
            raise ValidationFailed.at(["body", "items", index, "kind"], "unknown_code")
    for index, item in enumerate(items):
        if item.reimbursed_amount > item.gross_amount:
            raise ValidationFailed.at(
                ["body", "items", index, "reimbursed_amount"], "reimbursed_exceeds_gross"
            )
    rows = [
        {
            "month": i.month,
            "kind": i.kind,
            "gross_amount": i.gross_amount,
            "reimbursed_amount": i.reimbursed_amount,
            "amount": i.gross_amount - i.reimbursed_amount,
            "note": i.note or None,
        }
        for i in items
    ]
    household = await _replace_range(
        session, actor, household, Expenditure, months, rows, _EXPENDITURE_FIELDS
    )
    return household, await repository.in_range(session, Expenditure, household.id, months)


async def replace_assets(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    items: list[AssetIn],
    expected_version: int,
) -> tuple[HouseholdRef, list[Asset]]:
    """Replace the household's whole asset list: financial assets, vehicles, real estate (DOMAIN 4)."""
    household = await _writable(session, actor, household_id, expected_version)
    for index, item in enumerate(items):
        _check_asset_kind(item, ["body", "items", index])
    await _check_members(session, household, [item.person_id for item in items])
    before = await repository.assets(session, household.id)
    rows = [_fields(item, _ASSET_FIELDS) for item in items]
    changes = _changes("assets", _ASSET_FIELDS, before, rows)
    if changes:
        await repository.replace_assets(session, household.id, [_owned(household, r) for r in rows])
    if await repository.declared_at(session, household.id) is None:
        # The first declaration is a change even when it lists nothing: from now on the
        # household is known to have no assets rather than not to have said.
        changes["assets_declared"] = {"before": False, "after": True}
    await repository.declare_assets(session, _owned(household, {}), utcnow())
    household = await _record(session, actor, household, "assets", changes)
    return household, await repository.assets(session, household.id)


async def income_by_month_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], months: MonthRange
) -> dict[uuid.UUID, dict[date, Decimal]]:
    """Each household's income per month of `months` (over members and sources); a month
    without a row is absent (not recorded), a recorded zero is 0, a household without any
    row is absent. One statement for the whole batch."""
    return await repository.income_by_month(session, household_ids, months)


async def rigid_by_kind_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID], months: MonthRange
) -> dict[uuid.UUID, dict[str, Decimal]]:
    """The rigid expenditure each household bore over `months` (net of reimbursement), per
    kind; a kind without a row is absent, as is a household without any. One statement."""
    return await repository.expenditure_by_kind(session, household_ids, months)


async def declared_assets_many(
    session: ReadSession, household_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[AssetFact, ...] | None]:
    """Each household's assets as now recorded, oldest first; None when the household never
    declared its asset list (no replacement of it, not even an empty one), () when it
    declared none. Two statements for the whole batch."""
    declared = await repository.declared_among(session, household_ids)
    assets = await repository.assets_of(session, sorted(declared))
    return {
        household_id: tuple(assets.get(household_id, [])) if household_id in declared else None
        for household_id in household_ids
    }


async def _writable(
    session: WriteSession, actor: Actor, household_id: uuid.UUID, expected_version: int
) -> HouseholdRef:
    return await households.writable(
        session, actor, household_id, expected_version=expected_version
    )


def _check_months(items: Sequence[IncomeIn | ExpenditureIn], months: MonthRange) -> None:
    for index, item in enumerate(items):
        if item.month not in months:
            raise ValidationFailed.at(
                ["body", "items", index, "month"],
                "month_out_of_range",
                first=f"{months.first:%Y-%m}",
                last=f"{months.last:%Y-%m}",
            )


async def _check_members(
    session: WriteSession, household: HouseholdRef, person_ids: list[uuid.UUID | None]
) -> None:
    wanted = {p for p in person_ids if p is not None}
    known = await households.members_ever(session, household.id, wanted)
    for index, person_id in enumerate(person_ids):
        if person_id is not None and person_id not in known:
            raise ValidationFailed.at(["body", "items", index, "person_id"], "not_a_member")


def _check_asset_kind(item: AssetIn, loc: list[str | int]) -> None:
    """Each kind has exactly its own fields (`KIND_FIELDS`); a kind the table does not list
    (none today) has none of them."""
    own = KIND_FIELDS.get(item.kind, ())
    for name in _KIND_SPECIFIC:
        given = getattr(item, name) is not None
        if name in own and not given:
            raise ValidationFailed.at([*loc, name], "required_for_kind", kind=item.kind)
        if name not in own and given:
            raise ValidationFailed.at([*loc, name], "not_for_kind", kind=item.kind)


async def _check_members_in_month(
    session: WriteSession, household: HouseholdRef, items: list[IncomeIn]
) -> None:
    """An income's member belongs to the household during its month (DOMAIN 4-5): the
    membership began on or before the month's last day and had not ended by its first."""
    await _check_members(session, household, [item.person_id for item in items])
    periods = await households.membership_periods(
        session, household.id, {i.person_id for i in items if i.person_id is not None}
    )
    for index, item in enumerate(items):
        if item.person_id is None:
            continue
        last_day = add_months(item.month, 1) - timedelta(days=1)
        if not any(
            joined <= last_day and (left is None or left > item.month)
            for joined, left in periods.get(item.person_id, [])
        ):
            raise ValidationFailed.at(
                ["body", "items", index, "person_id"],
                "not_a_member_that_month",
                month=f"{item.month:%Y-%m}",
            )


def _fields(item: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """The values themselves: `model_dump` would serialise months and amounts to strings."""
    return {name: getattr(item, name) for name in fields}


def _summary(rows: Sequence[Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows as the history keeps them, in a canonical order (the order given is not a change)."""
    plain = [
        {
            name: households.plain(r[name] if isinstance(r, dict) else getattr(r, name))
            for name in fields
        }
        for r in rows
    ]
    return sorted(plain, key=lambda row: [str(row[name] or "") for name in fields])


def _changes(
    name: str, fields: tuple[str, ...], before: Sequence[Any], after: Sequence[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    return households.diff({name: _summary(before, fields)}, {name: _summary(after, fields)})


def _owned(household: HouseholdRef, row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "household_id": household.id,
        "region_code": household.region_code,
        "district_code": household.district_code,
    }


async def _replace_range(
    session: WriteSession,
    actor: Actor,
    household: HouseholdRef,
    model: type[Monthly],
    months: MonthRange,
    rows: list[dict[str, Any]],
    fields: tuple[str, ...],
) -> HouseholdRef:
    name = _NAMES[model]
    before = await repository.in_range(session, model, household.id, months)
    changes = _changes(name, fields, before, rows)
    if changes:
        await repository.replace_range(
            session, model, household.id, months, [_owned(household, r) for r in rows]
        )
        if model is Income:
            await households.refresh_completeness(session, actor, household)
    return await _record(session, actor, household, name, changes)


async def _record(
    session: WriteSession,
    actor: Actor,
    household: HouseholdRef,
    name: str,
    changes: dict[str, dict[str, Any]],
) -> HouseholdRef:
    """A change bumps the household's version and enters its history; every replacement,
    even one that changes nothing, is audited."""
    change = Change(f"household.{name}.replace", Event.changed, changes)
    return await households.record_change(session, actor, household, change)


register_field_messages(
    {
        "reimbursed_exceeds_gross": FieldMessage(
            "报销金额不能超过总金额", "more than the gross amount"
        ),
        "month_out_of_range": FieldMessage(
            "不在要替换的月份范围内（{first} 至 {last}）",
            "outside the range being replaced ({first} to {last})",
        ),
        "not_a_member_that_month": FieldMessage(
            "{month} 时不是本户成员", "not a member of this household in {month}"
        ),
        "month_format": FieldMessage(
            '月份写作 "YYYY-MM"，如 "2026-11"', 'a month is written "YYYY-MM", e.g. "2026-11"'
        ),
        "amount_format": FieldMessage(
            '金额须为 "0.00" 至 "99999999.99" 元、最多两位小数的字符串，如 "546.00"',
            'an amount is a decimal string in yuan from "0.00" to "99999999.99", e.g. "546.00"',
        ),
        "decimal_format": FieldMessage(
            '须为最多两位小数的数字字符串，如 "50.00"',
            'a decimal string with at most two places, e.g. "50.00"',
        ),
    }
)
