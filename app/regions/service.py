"""Reading and maintaining the region tree (DOMAIN 2)."""

from collections.abc import Sequence

from app.core import audit
from app.core.audit import AuditContext
from app.core.db import ReadSession, WriteSession
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.etag import check_version
from app.core.field_messages import object_named
from app.core.pagination import PageRequest
from app.core.region_codes import RegionLevel, ancestors_and_self, level_of, parent_of
from app.regions import repository
from app.regions.models import Region


def _not_found() -> NotFound:
    return NotFound("区划", "region")


async def get_with_path(session: ReadSession, code: str) -> tuple[Region, list[Region]]:
    """A region and its path from the district down to itself."""
    path = await repository.get_many(session, ancestors_and_self(code))
    if not path or path[-1].code != code:
        raise _not_found()
    return path[-1], path


async def list_children(
    session: ReadSession, parent_code: str | None, page: PageRequest
) -> tuple[list[Region], str | None]:
    if parent_code is not None and await repository.get(session, parent_code) is None:
        raise _not_found()
    return await repository.children(session, parent_code, page)


async def list_subtree(
    session: ReadSession, code: str, level: RegionLevel | None, page: PageRequest
) -> tuple[list[Region], str | None]:
    if await repository.get(session, code) is None:
        raise _not_found()
    return await repository.subtree(session, code, level, page)


async def create(session: WriteSession, context: AuditContext, code: str, name: str) -> Region:
    """An admin adds a region under an existing parent (409 if the code exists)."""
    if await repository.get(session, code) is not None:
        raise Conflict()
    await save_region(session, code, name)
    region, _ = await get_with_path(session, code)
    await audit.record(
        session,
        context,
        "region.create",
        object_type="region",
        object_id=code,
        region_code=code,
        changed_fields=["code", "name"],
    )
    return region


async def rename(
    session: WriteSession, context: AuditContext, code: str, name: str, expected_version: int
) -> Region:
    region, _ = await get_with_path(session, code)
    check_version(expected_version, region.version)
    changed = ["name"] if region.name != name else []
    if changed:
        region.name = name
        region.version += 1
        await session.flush()
    await audit.record(
        session,
        context,
        "region.update",
        object_type="region",
        object_id=code,
        region_code=code,
        changed_fields=changed,
    )
    return region


async def save_region(session: WriteSession, code: str, name: str) -> None:
    """Create or rename a region; its parent must exist (the tree has no gaps)."""
    parent = parent_of(code)
    if parent is not None and await repository.get(session, parent) is None:
        raise ValidationFailed.in_body(
            "code", "not_found", **object_named("上级区划", "parent region")
        )
    await repository.upsert(session, code=code, name=name, level=level_of(code), parent_code=parent)


async def exists(session: ReadSession, code: str) -> bool:
    return await repository.get(session, code) is not None


async def child_codes(session: ReadSession, code: str) -> list[str]:
    """The codes of a region's direct children, in code order; 404 for an unknown region."""
    if await repository.get(session, code) is None:
        raise _not_found()
    return await repository.child_codes(session, code)


async def names_of(session: ReadSession, codes: Sequence[str]) -> dict[str, str]:
    """Names of regions by code, in one query (for lists that name them)."""
    if not codes:
        return {}
    return {
        region.code: region.name for region in await repository.get_many(session, list(set(codes)))
    }


async def codes_at_level(session: ReadSession, level: RegionLevel) -> list[str]:
    """The codes of every region of a level (every street), in code order."""
    return await repository.codes_at_level(session, level)
