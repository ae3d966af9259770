"""Notifications: what concerns a user, written to its inbox with the domain event that
announces it (DOMAIN 6), in the change's own transaction. The event goes out on the
outbox (the referrals work delivers events outward); the inbox item is what the user
reads at `GET /api/v1/inbox`."""

import uuid
from collections.abc import Iterable
from typing import Any

from app.core import events
from app.core.db import WriteSession
from app.intake.models import InboxItem


def notify(
    session: WriteSession,
    event: str,
    payload: dict[str, Any],
    *,
    recipients: Iterable[uuid.UUID | None],
    subject_type: str,
    subject_id: uuid.UUID,
    household_id: uuid.UUID | None = None,
) -> None:
    """Publish `event` (thin payload: ids, statuses, region codes; never personal data) and
    put one inbox item per distinct recipient (None, a system actor, is skipped)."""
    events.publish(session, event, payload)
    for user_id in sorted({r for r in recipients if r is not None}):
        session.add(
            InboxItem(
                user_id=user_id,
                event=event,
                subject_type=subject_type,
                subject_id=subject_id,
                household_id=household_id,
            )
        )
