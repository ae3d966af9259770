"""A household's history: every change, who made it, when, before and after (DOMAIN 4; Beijing 5).

ID numbers are written masked, never in clear: the history must not become a
second, unencrypted copy of them. Names and phones, guardians and caregivers
included, are masked when read.
"""

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.core.db import ReadSession
from app.core.masking import PersonalField, Viewer, shown
from app.core.pagination import PageRequest, paginate
from app.households.contacts import CONTACT_FIELDS, shown_contact
from app.households.models import HouseholdChange

_PERSONAL = {"name": PersonalField.name, "phone": PersonalField.phone}


def plain(value: Any) -> Any:
    """A JSON-safe copy of a value for the history."""
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """`{field: {before, after}}` of the fields whose value changed."""
    return {
        name: {"before": plain(before.get(name)), "after": plain(value)}
        for name, value in after.items()
        if plain(before.get(name)) != plain(value)
    }


def created(snapshot: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The changes of a creation: every field that has a value, from nothing."""
    return {
        name: {"before": None, "after": plain(value)}
        for name, value in snapshot.items()
        if value is not None
    }


async def page_of(
    session: ReadSession, household_id: uuid.UUID, page: PageRequest
) -> tuple[list[HouseholdChange], str | None]:
    stmt = select(HouseholdChange).where(HouseholdChange.household_id == household_id)
    return await paginate(
        session, stmt, [HouseholdChange.id], page, scope=f"history:{household_id}"
    )


def _mask_value(name: str, value: Any, viewer: Viewer) -> Any:
    if name in CONTACT_FIELDS and isinstance(value, str | dict):
        return shown_contact(value, viewer)
    field = _PERSONAL.get(name)
    if field is not None and isinstance(value, str):
        return shown(value, field, viewer)
    return value


def masked_changes(changes: Mapping[str, Any], viewer: Viewer) -> dict[str, Any]:
    """Names, phones, guardians and caregivers in a history entry, as this viewer may see them."""
    return {
        name: {k: _mask_value(name, v, viewer) for k, v in change.items()}
        if isinstance(change, dict)
        else change
        for name, change in changes.items()
    }
