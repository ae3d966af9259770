"""Queries of imports and their row errors; every read applies the caller's visibility."""

import uuid
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Select, Table, false, insert, or_, select, tuple_, update

from app.core.db import ReadSession, WriteSession
from app.core.pagination import PageRequest, paginate
from app.core.principals import Principal
from app.core.region_codes import in_subtree
from app.imports.models import Import, ImportRowError, ImportStatus

ERRORS = cast(Table, ImportRowError.__table__)
_LIVE = (ImportStatus.queued.value, ImportStatus.running.value, ImportStatus.succeeded.value)


def _visible(principal: Principal) -> Any:
    """Your own imports, and those uploaded by staff within your region subtree."""
    mine = Import.created_by == principal.id
    if principal.scope_region is None:
        return mine if not principal.is_client else false()
    return or_(mine, in_subtree(Import.region_code, principal.scope_region))


async def get_visible(
    session: ReadSession, principal: Principal, import_id: uuid.UUID
) -> Import | None:
    stmt = select(Import).where(Import.id == import_id, _visible(principal))
    return (await session.execute(stmt)).scalar_one_or_none()


async def get(session: WriteSession, import_id: uuid.UUID) -> Import | None:
    return await session.get(Import, import_id)


async def get_for_update(session: WriteSession, import_id: uuid.UUID) -> Import | None:
    """The import with its row locked (PostgreSQL) until the transaction ends: the first
    lock a transaction of its processing takes (the order is the import, then its job)."""
    stmt = select(Import).where(Import.id == import_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def page_of(
    session: ReadSession, principal: Principal, page: PageRequest
) -> tuple[list[Import], str | None]:
    stmt: Select[Any] = select(Import).where(_visible(principal))
    return await paginate(session, stmt, [Import.id], page, scope="imports")


async def earlier_import_of(
    session: WriteSession, principal: Principal, sha256: str
) -> Import | None:
    """The first visible import of the same content that wrote or will write the ledger."""
    stmt = (
        select(Import)
        .where(
            Import.sha256 == sha256,
            Import.dry_run.is_(False),
            Import.status.in_(_LIVE),
            _visible(principal),
        )
        .order_by(Import.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def claim_rows(session: WriteSession, import_id: uuid.UUID, done: int, rows: int) -> bool:
    """Move the checkpoint from `done` to `done + rows`; False if another run moved it first.

    It is the batch transaction's first write, so on PostgreSQL it also
    holds the import's row lock while the batch is written.
    """
    result = await session.execute(
        update(Import)
        .where(Import.id == import_id, Import.rows_done == done)
        .values(rows_done=done + rows)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def add_progress(
    session: WriteSession,
    import_id: uuid.UUID,
    *,
    imported: int,
    failed: int,
    errors: int,
    stored: int,
) -> None:
    await session.execute(
        update(Import)
        .where(Import.id == import_id)
        .values(
            households_imported=Import.households_imported + imported,
            households_failed=Import.households_failed + failed,
            errors_count=Import.errors_count + errors,
            errors_stored=Import.errors_stored + stored,
        )
        .execution_options(synchronize_session=False)
    )


async def set_fields(session: WriteSession, import_id: uuid.UUID, **values: Any) -> None:
    await session.execute(
        update(Import)
        .where(Import.id == import_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def add_errors(session: WriteSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(ERRORS), list(rows))


async def errors_after(
    session: ReadSession,
    import_id: uuid.UUID,
    after: tuple[int, uuid.UUID] | None,
    limit: int,
) -> list[ImportRowError]:
    """The next `limit` errors in row order, after the (row, id) of the last one read."""
    stmt = select(ImportRowError).where(ImportRowError.import_id == import_id)
    if after is not None:
        stmt = stmt.where(tuple_(ImportRowError.row_number, ImportRowError.id) > tuple_(*after))
    stmt = stmt.order_by(ImportRowError.row_number, ImportRowError.id).limit(limit)
    return list((await session.execute(stmt)).scalars())
