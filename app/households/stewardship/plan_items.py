"""Plan items keep their ids across versions, so a measure can name the item it carries out.

Pure: no database, no clock. `new_id` is passed in so tests can count on it.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.core.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class GivenItem:
    """An item as a client sends it: its text, and the id of the item it keeps, if any."""

    text: str
    id: uuid.UUID | None = None


def next_items(
    previous: Sequence[dict[str, str]],
    given: Sequence[GivenItem],
    new_id: Callable[[], uuid.UUID],
    *,
    loc: Sequence[str | int] = ("body", "items"),
) -> list[dict[str, str]]:
    """The items of the next version, in the order given.

    An item naming an id keeps it, and must name an item of the previous version, once.
    An item without an id keeps the id of the first previous item with the same text that
    no other item kept (so a client sending only texts keeps the ids of unchanged items);
    otherwise it gets a new id.
    """
    known = {item["id"] for item in previous}
    claimed: set[str] = set()
    for index, item in enumerate(given):
        if item.id is None:
            continue
        key = str(item.id)
        if key not in known:
            raise ValidationFailed.at([*loc, index, "id"], "unknown_plan_item")
        if key in claimed:
            raise ValidationFailed.at([*loc, index, "id"], "duplicate")
        claimed.add(key)
    result: list[dict[str, str]] = []
    for item in given:
        if item.id is not None:
            result.append({"id": str(item.id), "text": item.text})
            continue
        match = next(
            (p["id"] for p in previous if p["text"] == item.text and p["id"] not in claimed), None
        )
        key = match or str(new_id())
        claimed.add(key)
        result.append({"id": key, "text": item.text})
    return result
