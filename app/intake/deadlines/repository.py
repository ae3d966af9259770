"""The deadline worklist's statements (DOMAIN 6; Yubei 3(5)), built in one place so that
`bench/baseline.py` renders and sends exactly what the app sends."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, false, or_, select

from app.core.region_codes import in_subtree
from app.intake.deadlines.rules import Kind
from app.intake.deadlines.schemas import When
from app.intake.models import Deadline


def in_reach(regions: Sequence[str]) -> Any:
    """Deadlines within any of the subtrees of `regions` (none: no deadline)."""
    reach = [in_subtree(Deadline.region_code, code) for code in regions]
    return or_(*reach) if reach else false()


def worklist_keys(
    reach: Sequence[str], region: str | None, when: When | None, kind: Kind | None, today: date
) -> Select[Any]:
    """The keys (due day, id) of the undone deadlines a worklist shows, before the page's
    order and limit: ix_deadlines_undone_region_due alone answers it (region range, due
    day, id: an index-only scan, whatever the share of the table the range holds)."""
    stmt = select(Deadline.due_on, Deadline.id).where(Deadline.done_on.is_(None), in_reach(reach))
    if region is not None:
        stmt = stmt.where(in_subtree(Deadline.region_code, region))
    if when is When.due_today:
        stmt = stmt.where(Deadline.due_on == today)
    elif when is When.overdue:
        stmt = stmt.where(Deadline.due_on < today)
    elif when is When.open:
        stmt = stmt.where(Deadline.due_on >= today)
    else:
        stmt = stmt.where(Deadline.due_on <= today)
    if kind is not None:
        stmt = stmt.where(Deadline.kind == kind.value)
    return stmt


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


def page_rows(ids: Sequence[uuid.UUID]) -> Select[Any]:
    """The page's deadlines, by the ids its keys gave (primary key lookups)."""
    return select(*SHOWN).where(Deadline.id.in_(ids))


def one_in_reach(deadline_id: uuid.UUID, reach: Sequence[str]) -> Select[Any]:
    """One deadline, if it lies within `reach`."""
    return select(*SHOWN).where(Deadline.id == deadline_id, in_reach(reach))
