"""Organizations that receive referrals and employ users (DOMAIN 7)."""

import uuid
from collections.abc import Sequence

from app.core import audit
from app.core.audit import AuditContext
from app.core.db import ReadSession, WriteSession
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import FieldMessage, object_named, register_field_messages
from app.core.pagination import PageRequest
from app.organizations import repository
from app.organizations.models import Organization
from app.organizations.schemas import ORGANIZATION_KINDS, OrganizationCreate
from app.regions.public import region_with_path


async def get(session: ReadSession, organization_id: uuid.UUID) -> Organization:
    organization = await repository.get(session, organization_id)
    if organization is None:
        raise NotFound("机构", "organization")
    return organization


async def kind_of(session: ReadSession, organization_id: uuid.UUID) -> str | None:
    """The organisation's kind (`social_work_agency`, `red_cross`, …); None if there is none."""
    found = await repository.get(session, organization_id)
    return None if found is None else found.kind


async def search(
    session: ReadSession,
    *,
    kind: str | None,
    region: str | None,
    parent_id: uuid.UUID | None,
    page: PageRequest,
) -> tuple[list[Organization], str | None]:
    return await repository.search(
        session, kind=kind, region=region, parent_id=parent_id, page=page
    )


async def ensure(
    session: WriteSession,
    *,
    kind: str,
    name: str,
    region_code: str,
    parent_id: uuid.UUID | None = None,
) -> Organization:
    """Create an organization unless one of that name exists in the region (idempotent)."""
    if kind not in ORGANIZATION_KINDS.codes:
        raise ValidationFailed.in_body("kind", "unknown_code")
    await region_with_path(session, region_code)
    if parent_id is not None and await repository.get(session, parent_id) is None:
        raise ValidationFailed.in_body(
            "parent_id", "not_found", **object_named("上级机构", "parent organization")
        )
    existing = await repository.find(session, region_code, name)
    if existing is not None:
        return existing
    organization = Organization(kind=kind, name=name, region_code=region_code, parent_id=parent_id)
    session.add(organization)
    await session.flush()
    return organization


async def create(
    session: WriteSession, context: AuditContext, data: OrganizationCreate
) -> Organization:
    """An admin adds an organization; a name is unique within its region (409)."""
    if await repository.find(session, data.region_code, data.name) is not None:
        raise Conflict()
    organization = await ensure(
        session,
        kind=data.kind,
        name=data.name,
        region_code=data.region_code,
        parent_id=data.parent_id,
    )
    await audit.record(
        session,
        context,
        "organization.create",
        object_type="organization",
        object_id=str(organization.id),
        region_code=organization.region_code,
        changed_fields=sorted(data.model_fields_set),
    )
    return organization


async def rename(
    session: WriteSession,
    context: AuditContext,
    organization_id: uuid.UUID,
    name: str,
    expected_version: int,
) -> Organization:
    organization = await get(session, organization_id)
    check_version(expected_version, organization.version)
    changed = ["name"] if organization.name != name else []
    if changed:
        if await repository.find(session, organization.region_code, name) is not None:
            raise Conflict()
        organization.name = name
        organization.version += 1
        await session.flush()
    await audit.record(
        session,
        context,
        "organization.update",
        object_type="organization",
        object_id=str(organization.id),
        region_code=organization.region_code,
        changed_fields=changed,
    )
    return organization


async def names_of(session: ReadSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of organisations by id, in one query (for lists that name them)."""
    return await repository.names(session, ids)


async def ids_within(session: ReadSession, region_code: str) -> list[uuid.UUID]:
    """Ids of the organisations of a region's subtree (e.g. a district's agencies)."""
    return await repository.ids_within(session, region_code)


async def kinds_of(session: ReadSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Kinds of organisations by id, in one query; an unknown id is absent."""
    return await repository.kinds(session, ids)


async def of_kind_serving(session: ReadSession, kind: str, region_code: str) -> list[uuid.UUID]:
    """Ids of the organisations of `kind` that serve a region: those of the region itself
    or of a region above it (a district's charity federation serves its streets)."""
    return await repository.of_kind_serving(session, kind, region_code)


register_field_messages(
    {"not_an_agency": FieldMessage("不是社会工作服务机构", "not a social-work agency")}
)
