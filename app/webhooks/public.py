"""What other domains may use of webhooks: the event types partners can subscribe to.

A domain that publishes one of them (`app.core.events.publish`) puts the ids of the
organisations it concerns, as strings, in the payload's `organizations`."""

from app.webhooks.catalog import ORGANIZATIONS, EventType

__all__ = ["ORGANIZATIONS", "EventType"]
