"""The domain events partners may subscribe to, and what of each a webhook carries.

A webhook's `data` is thin (docs/architecture.md, Jobs and events): ids, status and
version, never personal data; the receiver reads the rest through the API, where the
read is scoped and audited. Each event names the payload fields it sends; everything
else of the domain event (its `organizations`, its region code) stays home. Every
event of the catalogue carries `organizations`: the ids of the organisations it
concerns, whose subscriptions receive it.
"""

from dataclasses import dataclass
from enum import StrEnum


class EventType(StrEnum):
    referral_created = "referral.created"
    referral_status_changed = "referral.status_changed"
    charity_report_generated = "charity_report.generated"


@dataclass(frozen=True, slots=True)
class Deliverable:
    fields: tuple[str, ...]
    """The payload fields a webhook's `data` carries, in this order."""
    description: str


CATALOG: dict[EventType, Deliverable] = {
    EventType.referral_created: Deliverable(
        ("referral_id", "household_id", "status", "version"),
        "A referral was addressed to the organisation (推送).",
    ),
    EventType.referral_status_changed: Deliverable(
        ("referral_id", "household_id", "status", "version"),
        "A referral addressed to or sent by the organisation changed status.",
    ),
    EventType.charity_report_generated: Deliverable(
        ("report_id", "region_code", "month"),
        "A street's monthly needs report for the charity federation is ready.",
    ),
}

ORGANIZATIONS = "organizations"
"""The payload field listing the ids (strings) of the organisations an event concerns."""


def thin(event_type: EventType, payload: dict[str, object]) -> dict[str, object]:
    """What a webhook's `data` carries of an event's payload: the catalogue's fields only."""
    return {name: payload[name] for name in CATALOG[event_type].fields if name in payload}
