"""The routing table (DOMAIN 7: needs map to organisations by a configurable table):
rules `need -> organisation kind` with a due period in working days each, and the default
receiving organisation per kind and region. Administrators keep it; every change is
audited. The push on acceptance (推送) and manual referrals read it here."""

import uuid
from collections.abc import Sequence
from typing import NamedTuple

from app.core import audit
from app.core.audit import AuditContext
from app.core.db import WriteSession
from app.core.errors import NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import object_named
from app.dictionaries.public import unknown_codes
from app.organizations.public import organization_kind
from app.referrals.errors import RouteExists
from app.referrals.models import ReferralDefault, ReferralRoute
from app.referrals.routing import repository
from app.referrals.routing.schemas import DefaultIn, RouteIn
from app.regions.public import region_exists

ROUTE = "referral_route"
DEFAULT = "referral_default"


async def _audit(
    session: WriteSession, context: AuditContext, action: str, kind: str, object_id: uuid.UUID
) -> None:
    await session.flush()
    await audit.record(session, context, action, object_type=kind, object_id=str(object_id))


async def add_route(session: WriteSession, context: AuditContext, data: RouteIn) -> ReferralRoute:
    """Add a rule; 422 for a need code not in dictionary `need`, 409
    `referral_route_exists` when the need already goes to that kind."""
    if await unknown_codes(session, "need", [data.need_code]):
        raise ValidationFailed.in_body("need_code", "unknown_code")
    if await repository.route_of(session, data.need_code, data.organization_kind) is not None:
        raise RouteExists()
    route = ReferralRoute(
        need_code=data.need_code,
        organization_kind=data.organization_kind,
        due_working_days=data.due_working_days,
    )
    session.add(route)
    await _audit(session, context, "referral_route.create", ROUTE, route.id)
    return route


async def ensure_route(
    session: WriteSession, context: AuditContext, data: RouteIn
) -> ReferralRoute:
    """The rule of the need and kind, added unless it exists (idempotent, for the demo)."""
    found = await repository.route_of(session, data.need_code, data.organization_kind)
    return found if found is not None else await add_route(session, context, data)


async def _route(session: WriteSession, route_id: uuid.UUID) -> ReferralRoute:
    found = await repository.route(session, route_id)
    if found is None:
        raise NotFound("转介规则", "referral route")
    return found


async def change_route(
    session: WriteSession,
    context: AuditContext,
    route_id: uuid.UUID,
    due_working_days: int,
    expected_version: int,
) -> ReferralRoute:
    """A rule's new due period; referrals already sent keep their due day."""
    route = await _route(session, route_id)
    check_version(expected_version, route.version)
    route.due_working_days = due_working_days
    route.version += 1
    await _audit(session, context, "referral_route.update", ROUTE, route.id)
    return route


async def remove_route(
    session: WriteSession, context: AuditContext, route_id: uuid.UUID, expected_version: int
) -> None:
    route = await _route(session, route_id)
    check_version(expected_version, route.version)
    await session.delete(route)
    await _audit(session, context, "referral_route.delete", ROUTE, route_id)


async def check_receiver(
    session: WriteSession, organization_id: uuid.UUID, field: str, kind: str | None = None
) -> str:
    """The organisation's kind; 422 at `field` when there is no such organisation, or when
    it is not of `kind` (when given)."""
    found = await organization_kind(session, organization_id)
    if found is None:
        raise ValidationFailed.in_body(field, "not_found", **object_named("机构", "organization"))
    if kind is not None and found != kind:
        raise ValidationFailed.in_body(field, "organization_not_of_kind")
    return found


async def set_default(
    session: WriteSession, context: AuditContext, data: DefaultIn
) -> ReferralDefault:
    """Set the default receiver of a kind for a region (created or replaced)."""
    if not await region_exists(session, data.region_code):
        raise ValidationFailed.in_body("region_code", "not_found", **object_named("区划", "region"))
    await check_receiver(session, data.organization_id, "organization_id", data.organization_kind)
    found = await repository.default_at(session, data.organization_kind, data.region_code)
    if found is None:
        found = ReferralDefault(
            organization_kind=data.organization_kind,
            region_code=data.region_code,
            organization_id=data.organization_id,
        )
        session.add(found)
        await _audit(session, context, "referral_default.create", DEFAULT, found.id)
        return found
    if found.organization_id != data.organization_id:
        found.organization_id = data.organization_id
        found.version += 1
        await _audit(session, context, "referral_default.update", DEFAULT, found.id)
    return found


async def remove_default(
    session: WriteSession, context: AuditContext, default_id: uuid.UUID, expected_version: int
) -> None:
    found = await repository.default(session, default_id)
    if found is None:
        raise NotFound("默认承接单位", "default receiver")
    check_version(expected_version, found.version)
    await session.delete(found)
    await _audit(session, context, "referral_default.delete", DEFAULT, default_id)


class Destination(NamedTuple):
    """Where one need goes: the organisation kind, its default receiver for the household's
    region (None when none is set) and the rule's due period."""

    need_code: str
    organization_kind: str
    organization_id: uuid.UUID | None
    due_working_days: int


async def destinations(
    session: WriteSession, need_codes: Sequence[str], region_code: str
) -> list[Destination]:
    """Every rule of these needs with its default receiver for a household of `region_code`
    (by need, then kind)."""
    routes = await repository.routes_for(session, sorted(set(need_codes)))
    receivers = await repository.defaults_on_path(
        session, sorted({r.organization_kind for r in routes}), region_code
    )
    return [
        Destination(
            r.need_code, r.organization_kind, receivers.get(r.organization_kind), r.due_working_days
        )
        for r in routes
    ]


async def due_days_for(session: WriteSession, need_code: str, kind: str) -> int | None:
    """The due period of the rule `need -> kind`, if there is one."""
    found = await repository.route_of(session, need_code, kind)
    return None if found is None else found.due_working_days
