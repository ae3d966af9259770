"""The deadline worklist's statements (DOMAIN 6; Yubei 3(5)), built in one place so that
`bench/baseline.py` renders and sends exactly what the app sends."""

import uuid
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Date, Select, Subquery, bindparam, false, or_, select

from app.core.region_codes import in_bounds, in_subtree, subtree_bounds
from app.intake.deadlines.rules import Kind
from app.intake.deadlines.schemas import When
from app.intake.models import Deadline


def in_reach(regions: Sequence[str]) -> Any:
    """Deadlines within any of the subtrees of `regions` (none: no deadline)."""
    reach = [in_subtree(Deadline.region_code, code) for code in regions]
    return or_(*reach) if reach else false()


@lru_cache(maxsize=256)
def worklist_keys(
    reach: tuple[str, ...], region: bool, when: When | None, kind: bool
) -> Select[Any]:
    """The keys (due day, id) of the undone deadlines a worklist shows, before the page's
    order and limit: ix_deadlines_undone_region_due alone answers it (region range, due
    day, id: an index-only scan, whatever the share of the table the range holds).

    Built once per shape (reach, whether a region and a kind are asked for, `when`) and
    kept: the values come as bound parameters (`worklist_params`)."""
    stmt = cast(
        "Select[Any]",
        select(Deadline.due_on, Deadline.id).where(Deadline.done_on.is_(None), in_reach(reach)),
    )
    if region:
        stmt = stmt.where(
            in_bounds(Deadline.region_code, bindparam("region_low"), bindparam("region_high"))
        )
    today = bindparam("today", type_=Date)
    if when is When.due_today:
        stmt = stmt.where(Deadline.due_on == today)
    elif when is When.overdue:
        stmt = stmt.where(Deadline.due_on < today)
    elif when is When.open:
        stmt = stmt.where(Deadline.due_on >= today)
    else:
        stmt = stmt.where(Deadline.due_on <= today)
    if kind:
        stmt = stmt.where(Deadline.kind == bindparam("kind"))
    return stmt


def worklist_params(region: str | None, kind: Kind | None, today: date) -> dict[str, Any]:
    """The values of `worklist_keys`' bound parameters."""
    params: dict[str, Any] = {"today": today}
    if region is not None:
        params["region_low"], params["region_high"] = subtree_bounds(region)
    if kind is not None:
        params["kind"] = kind.value
    return params


SHOWN = (
    Deadline.id,
    Deadline.kind,
    Deadline.status,
    Deadline.triggered_on,
    Deadline.working_days,
    Deadline.due_on,
    Deadline.provisional,
    Deadline.done_on,
    Deadline.household_id,
    Deadline.application_id,
    Deadline.discovery_report_id,
    Deadline.region_code,
)
"""The columns a deadline is shown with (`DeadlineOut`): rows of these, no ORM objects (a
read that changes nothing needs no identity map)."""


def page_rows(keys: Subquery) -> Select[Any]:
    """The page's deadlines joined to its keys (primary key lookups), in the page's order."""
    stmt = select(*SHOWN).join(keys, Deadline.id == keys.c.id)
    return cast("Select[Any]", stmt.order_by(Deadline.due_on, Deadline.id))


def one_in_reach(deadline_id: uuid.UUID, reach: Sequence[str]) -> Select[Any]:
    """One deadline, if it lies within `reach`."""
    stmt = select(*SHOWN).where(Deadline.id == deadline_id, in_reach(reach))
    return cast("Select[Any]", stmt)
