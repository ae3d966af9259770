"""Bulk import of community screening files (摸排; DOMAIN 3-4; Beijing 1, 3): upload, list, read.

An upload is stored and queued in the request; the worker does the rest
(app/imports/processing.py), so a large file never holds a request open.
"""

import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import anyio

from app.core import audit, jobs
from app.core.auth import Actor, Forbidden
from app.core.db import Database, ReadSession, WriteSession
from app.core.errors import NotFound, ValidationFailed
from app.core.exports import stream_read
from app.core.pagination import PageRequest
from app.imports import job, repository
from app.imports.archive import ArchiveLimits, ArchiveTooLarge, check_declared
from app.imports.errors import ImportDuplicate, ImportUnpackedTooLarge
from app.imports.models import Import, ImportRowError, ImportStatus
from app.imports.sources import FileProblem, sniff_format
from app.imports.upload import Upload

_ENCODINGS: dict[str, str | None] = {
    "": None,
    "auto": None,
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
}
_BOOLEANS = {"true": True, "false": False}
"""A form field of type boolean, as the contract declares it: `true` or `false`, nothing else
(the fuzz gate found `0` accepted for a boolean)."""
_ERROR_CHUNK = 1000
ERRORS_HEADER = ("行号", "户编号", "列", "错误代码", "说明")
ERRORS_NOT_STORED = "import_errors_not_stored"


def _flag(upload: Upload, name: str) -> bool:
    value = upload.fields.get(name)
    if value is None:
        return False
    if value not in _BOOLEANS:
        raise ValidationFailed.in_body(name, "not_a_boolean")
    return _BOOLEANS[value]


def _encoding(upload: Upload) -> str | None:
    value = upload.fields.get("encoding", "").lower()
    if value not in _ENCODINGS:
        raise ValidationFailed.in_body("encoding", "unknown_code")
    return _ENCODINGS[value]


def _refuse_bomb(path: Path, limits: ArchiveLimits) -> None:
    """413 for a workbook whose directory declares more than it may unpack to."""
    try:
        check_declared(path, limits)
    except ArchiveTooLarge as exc:
        raise ImportUnpackedTooLarge(limits.unpacked_bytes, limits.ratio, exc.reason) from None
    except FileProblem:
        return  # not a readable archive: its import fails as `import_unreadable` in the worker


async def create(
    session: WriteSession, actor: Actor, upload: Upload, import_id: uuid.UUID
) -> Import:
    """Accept a received file and queue it; the same file again is a 409 unless forced.

    Only imports that wrote, or will write, the ledger count as earlier ones:
    dry runs and failed imports do not.
    """
    scope = actor.principal.scope_region
    if scope is None or actor.principal.is_client:
        raise Forbidden()
    dry_run, force, encoding = _flag(upload, "dry_run"), _flag(upload, "force"), _encoding(upload)
    if upload.size == 0:
        raise ValidationFailed.in_body("file", "file_empty")
    file_format = sniff_format(upload.head)
    if file_format is None:
        raise ValidationFailed.in_body("file", "unsupported_file_format")
    if file_format == "xlsx":
        await anyio.to_thread.run_sync(
            _refuse_bomb, upload.path, ArchiveLimits.of(actor.services.settings)
        )
    if not dry_run and not force:
        earlier = await repository.earlier_import_of(session, actor.principal, upload.sha256)
        if earlier is not None:
            raise ImportDuplicate(earlier.id)
    stored = upload.path.with_name(f"{import_id}.{file_format}")
    upload.path.rename(stored)
    upload.path = stored
    record = Import(
        id=import_id,
        created_by=actor.principal.id,
        actor=actor.context.actor or actor.principal.caller_id,
        actor_role=actor.principal.role.value,
        request_id=actor.context.request_id,
        region_code=scope,
        file_name=upload.file_name,
        stored_name=stored.name,
        size_bytes=upload.size,
        sha256=upload.sha256,
        format=file_format,
        encoding=None if file_format == "xlsx" else encoding,
        dry_run=dry_run,
        forced=force,
        status=ImportStatus.queued.value,
        rows_done=0,
        households_imported=0,
        households_failed=0,
        errors_count=0,
        errors_stored=0,
        ignored_columns=[],
        attempts=0,
    )
    session.add(record)
    await session.flush()
    queued = await jobs.enqueue(session, job.IMPORT, {"import_id": str(import_id)})
    record.job_id = queued.id
    await audit.record(
        session,
        actor.context,
        "import.create",
        object_type="import",
        object_id=str(import_id),
        region_code=scope,
        changed_fields=["dry_run", "file_name", "force"],
    )
    return record


async def get(session: ReadSession, actor: Actor, import_id: uuid.UUID) -> Import:
    """An import the caller may see: their own, or one uploaded within their jurisdiction."""
    found = await repository.get_visible(session, actor.principal, import_id)
    if found is None:
        raise NotFound("导入", "import")
    return found


async def search(
    session: ReadSession, actor: Actor, page: PageRequest
) -> tuple[list[Import], str | None]:
    return await repository.page_of(session, actor.principal, page)


def error_report(database: Database, record: Import) -> AsyncIterator[Sequence[object]]:
    """The import's stored row errors in row order, header first, for an export (which
    neutralises the cells quoted from the file); a last line counts the errors not stored.

    The record's counters are read now, while its session is open; the rows are read
    as the export is written.
    """
    return _error_rows(database, record.id, record.errors_stored, record.errors_count)


async def _error_rows(
    database: Database, import_id: uuid.UUID, stored: int, found: int
) -> AsyncIterator[Sequence[object]]:
    yield ERRORS_HEADER

    async def chunk(
        session: ReadSession, after: tuple[int, uuid.UUID] | None, limit: int
    ) -> list[ImportRowError]:
        return await repository.errors_after(session, import_id, after, limit)

    rows = stream_read(database, chunk, lambda e: (e.row_number, e.id), chunk=_ERROR_CHUNK)
    async for error in rows:
        yield (error.row_number, error.household_key, error.column, error.code, error.message)
    if found > stored:
        yield (
            None,
            None,
            None,
            ERRORS_NOT_STORED,
            f"另有 {found - stored} 条错误未列出：只保存前 {stored} 条；修正以上错误后请重新导入",
        )
