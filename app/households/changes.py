"""Recording a change of a household: version, history, audit and domain event, together.

Every service of the ledger, and every domain that changes a household
through `households.public`, records the change here, so no change can
skip its history entry, its audit event or its domain event.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.orm import SessionTransaction

from app.core import audit, events
from app.core.auth import Actor
from app.core.db import WriteSession, new_id, utcnow
from app.households.events import Event
from app.households.models import Household, HouseholdChange


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a household, as its history, audit trail and event stream keep it."""

    action: str
    """History and audit action, e.g. `member.add`."""
    event: Event
    changes: Mapping[str, Any]
    """`{field: {before, after}}`; empty when nothing changed (then only the audit event)."""
    person_id: uuid.UUID | None = None
    audit_object: tuple[str, uuid.UUID] | None = None
    """The audited object (type, id); the household by default."""
    audit_fields: Sequence[str] | None = None
    """The audited fields; the changed ones by default."""
    audited: bool = True
    """False when one audit event covers several history entries (a transfer)."""
    event_ids: Mapping[str, uuid.UUID] = field(default_factory=dict)
    """Further ids the event carries (a transfer's households)."""


@dataclass(frozen=True, slots=True)
class Author:
    """Who writes a history entry, and when."""

    actor: str | None
    role: str | None
    at: datetime


def author_of(actor: Actor) -> Author:
    return Author(actor.context.actor, actor.context.role, utcnow())


def history_row(
    household_id: uuid.UUID,
    region_code: str,
    author: Author,
    action: str,
    changes: Mapping[str, Any],
    person_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A history entry as a row (ORM and bulk writers alike)."""
    return {
        "id": new_id(),
        "household_id": household_id,
        "region_code": region_code,
        "district_code": region_code[:6],
        "occurred_at": author.at,
        "actor": author.actor,
        "actor_role": author.role,
        "action": action,
        "person_id": person_id,
        "changes": dict(changes),
    }


def event_payload(
    household_id: uuid.UUID,
    version: int,
    region_code: str,
    *,
    person_id: uuid.UUID | None = None,
    ids: Mapping[str, uuid.UUID] | None = None,
) -> dict[str, Any]:
    """The thin payload of a ledger event: ids, version and region code, as strings."""
    payload: dict[str, Any] = {
        "household_id": str(household_id),
        "version": version,
        "region_code": region_code,
    }
    if person_id is not None:
        payload["person_id"] = str(person_id)
    payload.update({name: str(value) for name, value in (ids or {}).items()})
    return payload


_BUMPED = "sanzhu.households_bumped"
_WRITTEN = "sanzhu.households_written"


def written_version(session: WriteSession, household_id: uuid.UUID) -> int | None:
    """The version a household has after this session's changes (`record`), if it recorded
    any: what a write answers as the household's new ETag, without a re-read."""
    written: dict[uuid.UUID, int] = session.info.get(_WRITTEN, {})
    return written.get(household_id)


def _bump_once(session: WriteSession, household: Household) -> None:
    """A household's version goes up once per transaction that changes it, however many
    entries that transaction writes (the ETag a client holds is of the last commit)."""
    seen: WeakKeyDictionary[SessionTransaction, set[uuid.UUID]] = session.info.setdefault(
        _BUMPED, WeakKeyDictionary()
    )
    transaction = session.sync_session.get_transaction()
    assert transaction is not None
    bumped = seen.setdefault(transaction, set())
    if household.id not in bumped:
        bumped.add(household.id)
        household.version += 1


async def record(session: WriteSession, actor: Actor, household: Household, change: Change) -> None:
    """Record `change` of `household`: when something changed, bump the version (once per
    transaction), add the history entry and publish the event; audit it in any case."""
    if change.changes:
        _bump_once(session, household)
        session.add(
            HouseholdChange(
                **history_row(
                    household.id,
                    household.region_code,
                    author_of(actor),
                    change.action,
                    change.changes,
                    change.person_id,
                )
            )
        )
        events.publish(
            session,
            change.event,
            event_payload(
                household.id,
                household.version,
                household.region_code,
                person_id=change.person_id,
                ids=change.event_ids,
            ),
        )
    session.info.setdefault(_WRITTEN, {})[household.id] = household.version
    if change.audited:
        object_type, object_id = change.audit_object or ("household", household.id)
        fields = change.audit_fields if change.audit_fields is not None else change.changes
        await audit.record(
            session,
            actor.context,
            change.action,
            object_type=object_type,
            object_id=str(object_id),
            region_code=household.region_code,
            changed_fields=sorted(fields),
        )
