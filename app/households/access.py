"""Fetching a household for an actor: visibility first (404), then the right to see or change it.

Every route of the ledger, and every domain that works with households
(through `households.public`), fetches through here, so an object outside
the actor's reach is never found and a 403 never reveals that it exists.
"""

import uuid
from typing import NoReturn, Protocol
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import SessionTransaction

from app.confidentiality.public import check_social_worker
from app.core import audit
from app.core.auth import Actor, Forbidden
from app.core.db import ReadSession, WriteSession
from app.core.errors import NotFound
from app.core.etag import check_version
from app.households import repository
from app.households.errors import HouseholdDeclined, HouseholdExited
from app.households.models import Household


async def not_visible(session: ReadSession, household_id: uuid.UUID) -> NoReturn:
    """404; a refusal (a `denied` event, `core.refusals`) when the household exists out of
    reach (Beijing 7)."""
    error = NotFound("家庭", "household")
    if await repository.exists_anywhere(session, household_id):
        raise error.refusing(
            action="household.read", object_type="household", object_id=str(household_id)
        )
    raise error


class Located(Protocol):
    """A household as any read has it: an ORM object, a row or a read model."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def region_code(self) -> str: ...


def audit_read(
    session: ReadSession,
    actor: Actor,
    action: str,
    household: Located | None = None,
    *,
    region_code: str | None = None,
    subject: tuple[str, uuid.UUID] | None = None,
) -> None:
    """Every read of personal data leaves an event, even if the request later fails (Beijing 7).

    The event names the household, or `subject` (type, id): what of the household was read."""
    object_type, object_id = subject or ("household", household.id if household else None)
    audit.record_after(
        session,
        actor.services.database,
        actor.context,
        action,
        outcome=audit.AuditOutcome.success,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        region_code=household.region_code if household is not None else region_code,
    )


def audit_id_number(
    session: ReadSession,
    actor: Actor,
    action: str,
    index: str | None,
    *,
    outcome: audit.AuditOutcome = audit.AuditOutcome.success,
) -> None:
    """A lookup by ID number leaves an event naming the number's blind index (never the
    number), whatever it found, even if the request later fails."""
    audit.record_after(
        session,
        actor.services.database,
        actor.context,
        action,
        outcome=outcome,
        object_type="id_number_index",
        object_id=index,
    )


async def visible(
    session: ReadSession, actor: Actor, household_id: uuid.UUID, *, for_update: bool = False
) -> Household:
    """The household if the actor may see it; else 404."""
    household = await repository.get_visible(
        session, actor.reach, household_id, for_update=for_update
    )
    if household is None:
        await not_visible(session, household_id)
    return household


async def check_personal(session: ReadSession, actor: Actor, region_code: str) -> None:
    """403 for a social worker without a valid confidentiality agreement there (Beijing 7)."""
    await check_social_worker(session, actor.principal, region_code[:9], actor.today)


async def personal(session: ReadSession, actor: Actor, household_id: uuid.UUID) -> Household:
    """A visible household whose personal data the actor may read."""
    household = await visible(session, actor, household_id)
    await check_personal(session, actor, household.region_code)
    return household


async def writable(
    session: WriteSession,
    actor: Actor,
    household_id: uuid.UUID,
    *,
    expected_version: int | None = None,
) -> Household:
    """A visible household locked for a change (PostgreSQL row lock; SQLite writers are
    serial); with `expected_version`, 412 unless it is the household's version."""
    if actor.reach.read_only:
        raise Forbidden()
    household = await visible(session, actor, household_id, for_update=True)
    await check_personal(session, actor, household.region_code)
    if expected_version is not None:
        check_version(expected_version, household.version)
    _locked(session)[household.id] = household
    return household


async def locked_for_organization(
    session: WriteSession, household_id: uuid.UUID
) -> Household | None:
    """A household locked for a change made on behalf of an organisation, outside any
    actor's reach: the caller has established that the organisation may act on it (a
    partner that already knows it through a referral). None when there is no such
    household; the caller answers that as it answers an unknown one."""
    stmt = select(Household).where(Household.id == household_id).with_for_update()
    household: Household | None = await session.scalar(stmt)
    if household is not None:
        _locked(session)[household.id] = household
    return household


class Stated(Protocol):
    """A household as any fetch has it, with its state."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def status(self) -> str: ...


def require_active(household: Stated) -> None:
    """409 `household_exited` for a household that has left the ledger (Beijing 5): it
    takes no new members, transfers in, measures, plans, assignments or pairing. A declined
    applicant (its application rejected or withdrawn before acceptance, DOMAIN 6) refuses the
    same writes: 409 `household_declined`. A pending applicant takes them, so that staff can
    complete its record before acceptance."""
    if household.status == "exited":
        raise HouseholdExited(household.id)
    if household.status == "declined":
        raise HouseholdDeclined(household.id)


_LOCKED = "sanzhu.households_locked"


def _locked(session: WriteSession) -> dict[uuid.UUID, Household]:
    """The households `writable` fetched in the session's current transaction, held for it:
    the session's identity map keeps only objects referenced elsewhere, so a later
    `session.get` of a locked household answers from memory instead of reading it again."""
    by_transaction: WeakKeyDictionary[SessionTransaction, dict[uuid.UUID, Household]] = (
        session.info.setdefault(_LOCKED, WeakKeyDictionary())
    )
    transaction = session.sync_session.get_transaction()
    assert transaction is not None
    return by_transaction.setdefault(transaction, {})


def was_locked(session: WriteSession, household_id: uuid.UUID) -> bool:
    """Whether `writable` fetched (and locked) the household in this transaction."""
    return household_id in _locked(session)
