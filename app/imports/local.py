"""Importing a file from the server's own disk (`sanzhu import`), held to the rules of an upload.

The file is copied into the import directory and recorded as the named
user's import, with the same duplicate check, scope and audit; then it is
processed at once in this process instead of waiting for the worker.
"""

import hashlib
import uuid
from pathlib import Path

import anyio

from app.core.audit import AuditContext
from app.core.auth import actor_of
from app.core.db import new_id
from app.core.permissions import Action, Role, is_allowed
from app.core.principals import Principal
from app.core.services import Services
from app.identity.public import find_user
from app.imports import processing, repository, service
from app.imports.models import Import
from app.imports.upload import Upload


class UnknownUser(LookupError):
    """No active user of that name may import."""


def _copy(source: Path, target: Path) -> tuple[int, str, bytes]:
    """Copy in chunks, hashing on the way: size, SHA-256 and the first bytes."""
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as raw, target.open("wb") as out:
        head = raw.read(8)
        raw.seek(0)
        while chunk := raw.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    return target.stat().st_size, digest.hexdigest(), head


async def queue_file(
    services: Services,
    path: Path,
    username: str,
    *,
    dry_run: bool = False,
    force: bool = False,
    encoding: str = "auto",
) -> Import:
    """Record `path` as `username`'s import (issue 5 item 8); raises what an upload would."""
    database, settings = services.database, services.settings
    async with database.sessionmaker() as session:
        user = await find_user(session, username)
    if user is None or not user.active or not is_allowed(Role(user.role), Action.imports_run):
        raise UnknownUser(username)
    principal = Principal(
        user.id, Role(user.role), user.scope_region_code, user.organization_id, False, "cli"
    )
    actor = await actor_of(
        services,
        principal,
        AuditContext(principal.caller_id, principal.role.value, None, "sanzhu import"),
    )
    import_id = new_id()
    target = settings.imports_path / f"{import_id}.upload"
    try:
        size, sha256, head = await anyio.to_thread.run_sync(_copy, path, target)
        upload = Upload(
            path=target,
            file_name=path.name,
            size=size,
            sha256=sha256,
            head=head,
            fields={
                "dry_run": str(dry_run).lower(),
                "force": str(force).lower(),
                "encoding": encoding,
            },
        )
        async with database.sessionmaker() as session, session.begin():
            return await service.create(session, actor, upload, import_id)
    except BaseException:
        for leftover in target.parent.glob(f"{import_id}.*"):
            await anyio.Path(leftover).unlink(missing_ok=True)
        raise


async def run_now(services: Services, import_id: uuid.UUID) -> Import:
    """Process a queued import in this process; its job then finds nothing left to do."""
    await processing.run_import(services, import_id)
    async with services.database.sessionmaker() as session:
        found = await repository.get(session, import_id)
    assert found is not None
    return found
