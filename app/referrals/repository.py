"""Queries of referrals; no rules. Every read is scoped: region staff by the household's
reach, department officers by the receiving organisation."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, exists, false, or_, select

from app.consents.public import consented_in_full
from app.core.auth import Actor
from app.core.db import ReadSession, column_rows
from app.core.pagination import PageRequest, paginate
from app.core.permissions import Role
from app.core.region_codes import in_subtree
from app.households.public import jurisdiction
from app.organizations.public import government_organizations
from app.referrals.confidential_lists import in_streets
from app.referrals.models import Referral, ReferralTransition
from app.referrals.states import OPEN

_OPEN = [s.value for s in OPEN]
ORGANIZATION_ROLES = frozenset({Role.department_officer, Role.partner})


def referred_to(organization: Any, day: Any) -> Select[Any]:
    """The households with an open referral addressed to `organization` whose ledger record
    may go to it on `day` (each a value or a bound parameter): what department officers and
    partners reach in the ledger (core.reach).

    A government department reaches them for its statutory duty; any other organisation
    only a household whose consents in force that day cover every kind of data (PIPL art.
    23, `consents.public`), since the ledger record shows every kind. Without that, it works
    from the referral alone."""
    return select(Referral.household_id).where(
        Referral.receiver_organization_id == organization,
        Referral.status.in_(_OPEN),
        or_(
            Referral.receiver_organization_id.in_(government_organizations()),
            Referral.household_id.in_(consented_in_full(organization, day)),
        ),
    )


def of_organization(organization: uuid.UUID) -> Any:
    """SQL condition: the referrals addressed to the organisation or pushed in by it."""
    return or_(
        Referral.receiver_organization_id == organization,
        Referral.sender_organization_id == organization,
    )


async def known_to(session: ReadSession, organization: uuid.UUID, household_id: uuid.UUID) -> bool:
    """Whether the organisation knows the household through a referral (any status)
    addressed to it or pushed in by it: the households a partner may push referrals about."""
    stmt = select(
        exists().where(Referral.household_id == household_id, of_organization(organization))
    )
    return bool(await session.scalar(stmt))


def visible_to(actor: Actor) -> Any:
    """SQL condition: the referrals the actor may see. An organisation's officers and
    partner systems see every referral addressed to it or pushed in by it, closed ones too;
    everyone else those of the households in its reach."""
    if actor.principal.role in ORGANIZATION_ROLES:
        organization = actor.principal.organization_id
        if organization is None:
            return false()
        return of_organization(organization)
    return jurisdiction(actor.reach, Referral.household_id, Referral.region_code)


async def get_visible(
    session: ReadSession, actor: Actor, referral_id: uuid.UUID
) -> Referral | None:
    stmt = select(Referral).where(Referral.id == referral_id, visible_to(actor))
    found: Referral | None = await session.scalar(stmt)
    return found


async def locked(session: ReadSession, referral_id: uuid.UUID) -> Referral:
    """A referral the caller has seen, locked and read again as it is now."""
    stmt = (
        select(Referral)
        .where(Referral.id == referral_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(stmt)).one()


async def exists_anywhere(session: ReadSession, referral_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(Referral.id == referral_id))))


async def page(
    session: ReadSession,
    actor: Actor,
    page: PageRequest,
    *,
    status: str | None,
    receiver: uuid.UUID | None,
    household_id: uuid.UUID | None,
    region: str | None,
    overdue_on: date | None,
    streets: list[str] | None = None,
) -> tuple[list[Referral], str | None]:
    """The actor's referrals in sending order (ids are time-ordered); `overdue_on`: only
    those still open after their due day as of that day; `streets`: only those streets'
    (`confidential_lists`)."""
    stmt = select(Referral).where(visible_to(actor))
    if streets is not None:
        stmt = stmt.where(in_streets(streets))
    if status is not None:
        stmt = stmt.where(Referral.status == status)
    if receiver is not None:
        stmt = stmt.where(Referral.receiver_organization_id == receiver)
    if household_id is not None:
        stmt = stmt.where(Referral.household_id == household_id)
    if region is not None:
        stmt = stmt.where(in_subtree(Referral.region_code, region))
    if overdue_on is not None:
        stmt = stmt.where(Referral.status.in_(_OPEN), Referral.due_on < overdue_on)
    scope = f"referrals:{actor.principal.id}:{status}:{receiver}:{household_id}:{region}"
    scope += f":{overdue_on}"
    return await paginate(session, stmt, [Referral.id], page, scope=scope)


async def overdue_page(
    session: ReadSession,
    actor: Actor,
    page: PageRequest,
    *,
    today: date,
    region: str | None,
    streets: list[str] | None = None,
) -> tuple[list[Referral], str | None]:
    """Open referrals of the actor's reach past their due day, the longest overdue first;
    `streets`: only those streets' (`confidential_lists`)."""
    stmt = select(Referral).where(
        visible_to(actor), Referral.status.in_(_OPEN), Referral.due_on < today
    )
    if streets is not None:
        stmt = stmt.where(in_streets(streets))
    if region is not None:
        stmt = stmt.where(in_subtree(Referral.region_code, region))
    scope = f"referral-worklist:{actor.principal.id}:{today}:{region}"
    return await paginate(session, stmt, [Referral.due_on, Referral.id], page, scope=scope)


async def open_of_household(session: ReadSession, household_id: uuid.UUID) -> list[Referral]:
    """The household's open referrals, locked, in sending order."""
    stmt = (
        select(Referral)
        .where(Referral.household_id == household_id, Referral.status.in_(_OPEN))
        .order_by(Referral.id)
        .with_for_update()
    )
    return list(await session.scalars(stmt))


async def transitions(session: ReadSession, referral_id: uuid.UUID) -> list[ReferralTransition]:
    stmt = (
        select(ReferralTransition)
        .where(ReferralTransition.referral_id == referral_id)
        .order_by(ReferralTransition.id)
    )
    return list(await session.scalars(stmt))


async def of_application(session: ReadSession, application_id: uuid.UUID) -> list[Referral]:
    stmt = select(Referral).where(Referral.application_id == application_id).order_by(Referral.id)
    return list(await session.scalars(stmt))


async def pushed_pairs(
    session: ReadSession, need_ids: Sequence[uuid.UUID]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(need id, receiver) of the pushed referrals these needs have already."""
    stmt = select(Referral.need_id, Referral.receiver_organization_id).where(
        Referral.need_id.in_(list(need_ids)), Referral.source == "application"
    )
    return {(row[0], row[1]) for row in await session.execute(stmt)}


async def open_in_region_on(
    session: ReadSession, region_code: str, day: date, until: datetime
) -> list[tuple[uuid.UUID, str, uuid.UUID]]:
    """(household id, need code, receiver organisation id) of the referrals of the region's
    subtree open at the end of `day`: sent on or before it and not closed before `until`
    (the instant `day` ended, or now for today). One statement."""
    stmt = select(
        Referral.household_id, Referral.need_code, Referral.receiver_organization_id
    ).where(
        in_subtree(Referral.region_code, region_code),
        Referral.sent_on <= day,
        or_(Referral.closed_at.is_(None), Referral.closed_at >= until),
    )
    return [(h, code, receiver) for h, code, receiver in await column_rows(session, stmt)]


async def open_need_receivers(
    session: ReadSession, household_id: uuid.UUID
) -> set[tuple[str, uuid.UUID]]:
    """(need code, receiver) of the household's open referrals, whatever their source."""
    stmt = select(Referral.need_code, Referral.receiver_organization_id).where(
        Referral.household_id == household_id, Referral.status.in_(_OPEN)
    )
    return {(row[0], row[1]) for row in await session.execute(stmt)}


async def statuses_of_need(session: ReadSession, need_id: uuid.UUID) -> list[str]:
    """The states of every referral answering a need (the one being changed included)."""
    return list(await session.scalars(select(Referral.status).where(Referral.need_id == need_id)))
