"""The ledger's domain events, by their stable names (`domain.event`)."""

from enum import StrEnum


class Event(StrEnum):
    """The ledger's domain events (payload: ids, version, region code; never personal data)."""

    created = "household.created"
    changed = "household.changed"
    member_added = "household.member_added"
    member_removed = "household.member_removed"
    transferred = "household.transferred"
    exited = "household.exited"
    reentered = "household.reentered"
    admitted = "household.admitted"
    declined = "household.declined"
    plan_versioned = "household.plan_versioned"
