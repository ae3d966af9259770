"""Partner API clients (DOMAIN 7): each bound to one organization; the secret is shown once."""

import uuid

from app.core import audit
from app.core.audit import AuditContext
from app.core.db import ReadSession, WriteSession, new_id
from app.core.errors import Conflict, NotFound
from app.core.etag import check_version
from app.core.pagination import PageRequest
from app.core.security import hash_opaque_token, new_opaque_token
from app.identity import repository
from app.identity.models import ApiClient
from app.identity.schemas import ApiClientCreate
from app.organizations.public import get_organization


async def create(
    session: WriteSession,
    context: AuditContext,
    data: ApiClientCreate,
    *,
    secret: str | None = None,
) -> tuple[ApiClient, str]:
    """Create a client with a fresh random secret (a given one only for demo data)."""
    await get_organization(session, data.organization_id)
    if await repository.client_by_client_id(session, data.client_id) is not None:
        raise Conflict()
    secret = secret or new_opaque_token()
    client = ApiClient(
        id=new_id(),
        client_id=data.client_id,
        name=data.name,
        organization_id=data.organization_id,
        secret_hash=hash_opaque_token(secret),
        active=True,
    )
    session.add(client)
    await session.flush()
    await audit.record(
        session,
        context,
        "api_client.create",
        object_type="api_client",
        object_id=str(client.id),
        changed_fields=["client_id", "name", "organization_id"],
    )
    return client, secret


async def ensure_with_secret(
    session: WriteSession,
    context: AuditContext,
    client_id: str,
    name: str,
    organization_id: uuid.UUID,
    secret: str,
) -> None:
    """Demo data: a client with a known secret, unless it exists."""
    if await repository.client_by_client_id(session, client_id) is None:
        data = ApiClientCreate(client_id=client_id, name=name, organization_id=organization_id)
        await create(session, context, data, secret=secret)


async def set_active(
    session: WriteSession,
    context: AuditContext,
    client_uuid: uuid.UUID,
    active: bool,
    expected_version: int,
) -> ApiClient:
    client = await repository.client_by_id(session, client_uuid)
    if client is None:
        raise NotFound("客户端", "API client")
    check_version(expected_version, client.version)
    changed = ["active"] if client.active != active else []
    if changed:
        client.active = active
        client.version += 1
    await session.flush()
    await audit.record(
        session,
        context,
        "api_client.update",
        object_type="api_client",
        object_id=str(client.id),
        changed_fields=changed,
    )
    return client


async def search(session: ReadSession, page: PageRequest) -> tuple[list[ApiClient], str | None]:
    return await repository.list_clients(session, page)
