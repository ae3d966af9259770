"""The deadline rules of intake (DOMAIN 6; Yubei 3(5); Beijing 2), pure.

Each deadline counts working days on the official calendar from the day its
triggering event happened (learned of, approved, investigated), never from when it
was typed. "Within n working days" of day d ends on the n-th working day after d
(`WorkingCalendar.add_working_days`: d itself never counts), and the whole of that day
is allowed: met on or before it, missed from the day after.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.core.calendar import WorkingCalendar


class Kind(StrEnum):
    """Code table `deadline_kind` (its `working_days` attribute says the same)."""

    visit_after_hardship = "visit_after_hardship"
    ledger_after_hardship = "ledger_after_hardship"
    visit_after_approval = "visit_after_approval"
    ledger_after_screening = "ledger_after_screening"


class DeadlineStatus(StrEnum):
    open = "open"
    met = "met"
    missed = "missed"
    cancelled = "cancelled"
    """No longer owed (the lead that started it was dismissed); kept, never deleted."""


WORKING_DAYS: dict[Kind, int] = {
    Kind.visit_after_hardship: 1,
    Kind.ledger_after_hardship: 2,
    Kind.visit_after_approval: 1,
    Kind.ledger_after_screening: 3,
}
"""Major illness, incident or other hardship learned of: a home visit by the social-work
agency within 1 working day, in the ledger within 2 (Yubei 3(5)); approved for social
assistance: a home visit within 1 working day after approval; elderly, children or
disabled people found in screening (摸排): in the ledger within 3 working days after the
basic investigation (Beijing 2)."""

VISITS = frozenset({Kind.visit_after_hardship, Kind.visit_after_approval})
"""Kinds a home visit meets (only a social-work agency's visit, DOMAIN 6)."""
LEDGER_ENTRIES = frozenset({Kind.ledger_after_hardship, Kind.ledger_after_screening})
"""Kinds the household's entry into the ledger (its acceptance, or creation) meets."""


@dataclass(frozen=True, slots=True)
class Due:
    day: date
    provisional: bool


def due(calendar: WorkingCalendar, kind: Kind, triggered_on: date) -> Due:
    """The last day of the deadline: the n-th working day after the trigger day."""
    found = calendar.add_working_days(triggered_on, WORKING_DAYS[kind])
    return Due(found.day, found.provisional)


def status_on(due_on: date, done_on: date | None, today: date) -> DeadlineStatus:
    """Met when done on or before the due day; missed when done later, or not done and the
    due day has passed; open otherwise."""
    if done_on is not None:
        return DeadlineStatus.met if done_on <= due_on else DeadlineStatus.missed
    return DeadlineStatus.missed if today > due_on else DeadlineStatus.open
