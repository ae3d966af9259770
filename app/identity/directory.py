"""The staff directory (issue 13): who works within the caller's reach, to pair workers,
assign social workers and show who did what; and actor references resolved to names.

Reach, decided here once:
- region staff (district, street, community, grid) see the users whose scope lies in
  their subtree and the users above them in their own chain (a street's district
  officers, a community's street and district officers), never another district's;
- district and street officers, who assign agencies and refer to departments, also see
  the staff of the organisations of their district (social workers, department officers:
  users without a region scope);
- social workers and department officers see the colleagues of their own organisation.
Administrators and auditors are not in the directory (they have no region or organisation)
and do not use it. Nothing of a sign-in (username, password, locks) or phone is shown.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_

from app.core.actors import ActorRef, ActorType, parse_actor
from app.core.auth import Actor
from app.core.db import ReadSession
from app.core.errors import NotFound
from app.core.pagination import PageRequest
from app.core.permissions import REGION_ROLES, Role
from app.core.region_codes import ancestors_and_self, in_subtree
from app.identity import repository
from app.identity.models import User
from app.identity.repository import StaffFilters
from app.organizations.public import organization_names, organizations_within
from app.regions.public import region_names

_ASSIGNING = frozenset({Role.district_officer, Role.street_officer})
"""Region roles that also reach the staff of their district's organisations."""


async def _reach(session: ReadSession, actor: Actor) -> ColumnElement[bool]:
    principal = actor.principal
    scope = principal.scope_region
    if principal.role in REGION_ROLES and scope is not None:
        above = [code for code in ancestors_and_self(scope) if code != scope]
        admitted = [in_subtree(User.scope_region_code, scope)]
        if above:
            admitted.append(User.scope_region_code.in_(above))
        if principal.role in _ASSIGNING:
            organizations = await organizations_within(session, scope[:6])
            if organizations:
                admitted.append(
                    and_(
                        User.scope_region_code.is_(None),
                        User.organization_id.in_(organizations),
                    )
                )
        return or_(*admitted)
    if principal.organization_id is not None and principal.role in (
        Role.social_worker,
        Role.department_officer,
    ):
        return User.organization_id == principal.organization_id
    return false()


@dataclass(frozen=True, slots=True)
class StaffEntry:
    user: User
    organization_name: str | None
    region_name: str | None


async def _entries(session: ReadSession, found: list[User]) -> list[StaffEntry]:
    """The users with their organisations' and regions' names: two queries for a page."""
    organizations = await organization_names(
        session, [u.organization_id for u in found if u.organization_id is not None]
    )
    regions = await region_names(
        session, [u.scope_region_code for u in found if u.scope_region_code is not None]
    )
    return [
        StaffEntry(
            user=u,
            organization_name=organizations.get(u.organization_id) if u.organization_id else None,
            region_name=regions.get(u.scope_region_code) if u.scope_region_code else None,
        )
        for u in found
    ]


async def staff(
    session: ReadSession, actor: Actor, filters: StaffFilters, page: PageRequest
) -> tuple[list[StaffEntry], str | None]:
    """A page of the staff within the actor's reach, by display name then id."""
    found, cursor = await repository.staff_page(
        session, await _reach(session, actor), filters, page
    )
    return await _entries(session, found), cursor


async def staff_member(session: ReadSession, actor: Actor, user_id: uuid.UUID) -> StaffEntry:
    """One member of staff within the actor's reach; 404 for anyone else, existing or not."""
    found = await repository.staff_member(session, await _reach(session, actor), user_id)
    if found is None:
        raise NotFound("用户", "user")
    (entry,) = await _entries(session, [found])
    return entry


ActorKey = str | uuid.UUID | None
"""An actor as a table stores it: a user id, or `user:<id>` / `client:<id>` / `cli`."""


async def actor_refs(session: ReadSession, actors: Iterable[ActorKey]) -> dict[ActorKey, ActorRef]:
    """Every actor of a page as an `ActorRef`, names resolved in one query per kind."""
    parsed = {key: parse_actor(key) for key in set(actors)}
    users = {i for kind, i in parsed.values() if kind is ActorType.user and i is not None}
    clients = {i for kind, i in parsed.values() if kind is ActorType.api_client and i is not None}
    user_names, client_names = await repository.display_names(session, users, clients)
    names = {ActorType.user: user_names, ActorType.api_client: client_names}
    return {
        key: ActorRef(
            type=kind,
            id=found,
            display_name=None if found is None else names[kind].get(found),
        )
        for key, (kind, found) in parsed.items()
    }
