"""Processing an import (issue 5 item 8): stream the file, check each household, write in batches.

- An XLSX is first unpacked without being parsed, counting the bytes it
  really yields (`archive.check_unpacked`: a zip bomb stops there).
- A first streaming pass counts the rows (and detects a CSV's encoding),
  and stops the import past `SANZHU_IMPORT_MAX_ROWS`, before any is written.
- The second pass reads households and checks every rule that needs no
  database in a worker thread, so an embedded worker leaves the server's
  event loop free; a batch at a time.
- Each batch is then checked against the ledger (regions, persons already
  in it) and turned into rows, while the batch before it is being written.
- Each batch is written in one short transaction: the checkpoint, one
  multi-row INSERT (COPY on PostgreSQL) per table for the valid households,
  the row errors (the first ones of the import, up to
  `SANZHU_IMPORT_MAX_STORED_ERRORS`; the rest are only counted), and the
  counters. A household with any error writes
  nothing; the others go on. If a concurrent request adds a person between
  the check and the INSERT, the batch is written again household by
  household under savepoints, so only that household fails.
- The counters are the checkpoint: a retried job skips the rows already
  committed and goes on where the last batch ended.
- Run as a job, every transaction that moves the import on also renews the
  job's lease, so a run whose job another worker has claimed stops at its next
  step (`LeaseLost`) and writes nothing more. Lock order (app/core/jobs.py):
  the import row first, then its job row, in every transaction that takes
  both (`start` and each batch).
"""

import asyncio
import contextlib
import uuid
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker

from app.core import audit
from app.core.audit import AuditContext
from app.core.clock import business_today
from app.core.config import Settings
from app.core.crypto import IdNumberVault
from app.core.db import ReadSession, WriteSession, new_id, utcnow
from app.core.jobs import JobContext, LeaseLost
from app.core.region_codes import is_within
from app.core.services import Services
from app.dictionaries import public as dictionaries
from app.households import public as ledger
from app.households.public import Author, KnownPerson, LedgerRows, Origin
from app.imports import repository
from app.imports.archive import ArchiveLimits, check_declared, check_unpacked
from app.imports.codes import CodeBook
from app.imports.messages import row_message
from app.imports.models import ImportStatus
from app.imports.parsing import HouseholdDraft, HouseholdReader
from app.imports.sources import (
    FileProblem,
    count_data_rows,
    data_rows,
    detect_encoding,
    find_layout,
    open_rows,
)
from app.regions.public import region_exists

logger = structlog.get_logger(__name__)

MAX_ATTEMPTS = 3
_FINAL = (ImportStatus.succeeded.value, ImportStatus.failed.value)
_IN_LEDGER = "person_already_in_household"
_FIRST_ANALYZE = 1000
"""Rows written before the ledger tables' statistics are first refreshed; then at each doubling."""


class Superseded(Exception):
    """Another run of the same import moved its checkpoint: that run carries on, this one stops."""


@dataclass(slots=True)
class Run:
    """One attempt at processing an import, with what it needs from the import record."""

    import_id: uuid.UUID
    sessions: async_sessionmaker[WriteSession]
    settings: Settings
    vault: IdNumberVault
    codes: CodeBook
    origin: Origin
    scope: str
    dry_run: bool
    path: Path
    file_format: str
    encoding: str | None
    rows_total: int | None
    rows_done: int
    errors_stored: int
    attempt: int
    job: JobContext | None
    """The job this run is, whose lease each transaction renews; None when run in-process."""
    regions: dict[str, bool] = field(default_factory=dict)
    overlap: bool = False
    written: int = 0
    analyze_at: int = _FIRST_ANALYZE


async def run_import(
    services: Services, import_id: uuid.UUID, job: JobContext | None = None
) -> None:
    """Process one import to its end: `succeeded`, or `failed` with a reason (issue 5 item 8).

    Safe to run again: a finished import is left alone, and an unfinished one goes on
    from its checkpoint, so a job delivered twice imports each row once. As `job`, it
    raises `LeaseLost` once another worker holds the job."""
    run = await start(services, import_id, job)
    if run is None:
        return
    try:
        await _process(run)
    except Superseded:
        logger.warning("import_superseded", import_id=str(import_id))
        return
    except LeaseLost:
        # The run that holds the job now carries on from the checkpoint: not a failure.
        raise
    except FileProblem as exc:
        await _finish(run, ImportStatus.failed, exc.code, exc.message)
        return
    except Exception:
        if run.attempt >= MAX_ATTEMPTS:
            await _finish(
                run, ImportStatus.failed, "import_internal_error", "处理文件时发生意外错误"
            )
        raise
    await _finish(run, ImportStatus.succeeded, None, None)


async def start(
    services: Services, import_id: uuid.UUID, job: JobContext | None = None
) -> Run | None:
    """Mark the import running (one more attempt) and gather what processing it needs."""
    sessions, settings = services.database.sessionmaker, services.settings
    async with sessions() as session, session.begin():
        record = await repository.get_for_update(session, import_id)
        if record is None or record.status in _FINAL:
            return None
        record.status = ImportStatus.running.value
        record.attempts += 1
        record.started_at = record.started_at or utcnow()
        codes = CodeBook.build(await dictionaries.all_tables(session))
        if job is not None:
            await job.renew_lease_in(session)
        return Run(
            import_id=record.id,
            sessions=sessions,
            settings=settings,
            vault=services.vault,
            codes=codes,
            origin=Origin(
                author=Author(record.actor, record.actor_role, utcnow()),
                context=AuditContext(
                    record.actor, record.actor_role, None, None, record.request_id
                ),
                created_by=record.created_by,
                today=business_today(),
                import_id=record.id,
            ),
            scope=record.region_code,
            dry_run=record.dry_run,
            path=settings.imports_path / record.stored_name,
            file_format=record.format,
            encoding=record.encoding,
            rows_total=record.rows_total,
            rows_done=record.rows_done,
            errors_stored=record.errors_stored,
            attempt=record.attempts,
            job=job,
            overlap=session.get_bind().dialect.name == "postgresql",
        )


async def _process(run: Run) -> None:
    if not run.path.exists():
        raise FileProblem("import_file_missing", "上传的文件已不存在，请重新上传")
    if run.file_format == "xlsx":
        limits = ArchiveLimits.of(run.settings)
        await asyncio.to_thread(check_declared, run.path, limits)
        await asyncio.to_thread(check_unpacked, run.path, limits)
    if run.file_format == "csv" and run.encoding is None:
        run.encoding = await asyncio.to_thread(detect_encoding, run.path)
    if run.rows_total is None:
        layout, total = await asyncio.to_thread(
            count_data_rows,
            run.path,
            run.file_format,
            run.encoding,
            run.settings.import_max_rows,
        )
        async with run.sessions() as session, session.begin():
            await repository.set_fields(
                session,
                run.import_id,
                rows_total=total,
                encoding=run.encoding,
                ignored_columns=layout.ignored,
            )
    reader = HouseholdReader(run.codes, run.vault, run.origin.today)
    batches = _batches(run, reader)
    # Three batches in flight: the thread reads one, this task prepares the
    # next, and the previous one is being written (on SQLite, one connection
    # at a time: it writes before the next is prepared).
    following = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
    writing: asyncio.Future[None] | None = None
    try:
        while (drafts := await following) is not None:
            following = asyncio.ensure_future(asyncio.to_thread(next, batches, None))
            if writing is not None and not run.overlap:
                await writing
            batch = await prepare(run, drafts)
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(_write(run, batch))
        if writing is not None:
            await writing
    finally:
        for pending in (following, writing):
            if pending is not None:
                with contextlib.suppress(Exception):
                    await pending
        batches.close()


def _batches(run: Run, reader: HouseholdReader) -> Generator[list[HouseholdDraft], None, None]:
    """Drafts of the households after the checkpoint, a batch at a time (runs in a thread)."""
    size = run.settings.import_batch_size
    with open_rows(run.path, run.file_format, run.encoding) as rows:
        layout = find_layout(rows)
        batch: list[HouseholdDraft] = []
        for draft in reader.households(data_rows(rows, layout), skip_rows=run.rows_done):
            batch.append(draft)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch


@dataclass(slots=True)
class Batch:
    """Households checked against the ledger and turned into rows, ready to be written."""

    drafts: list[HouseholdDraft]
    valid: list[HouseholdDraft]
    existing: Mapping[str, KnownPerson]
    sealed: Mapping[str, tuple[str, str]]
    rows: LedgerRows


async def prepare(run: Run, drafts: list[HouseholdDraft]) -> Batch:
    """The checks that need the ledger (regions, persons already in it), then the rows to write."""
    async with run.sessions() as session:
        await _check_regions(session, run, drafts)
        existing = await ledger.known_persons(session, [m.index for d in drafts for m in d.members])
    _check_ledger(run, drafts, existing)
    valid = [d for d in drafts if not d.errors]
    if run.dry_run:
        return Batch(drafts, valid, existing, {}, LedgerRows())
    fresh = [m for d in valid for m in d.members if m.index not in existing]
    sealed = dict(
        zip(
            [m.index for m in fresh],
            run.vault.seal_many([m.id_number.value for m in fresh]),
            strict=True,
        )
    )
    rows = LedgerRows()
    for draft in valid:
        rows.extend(_rows(run, draft, existing, sealed))
    return Batch(drafts, valid, existing, sealed, rows)


async def _write(run: Run, batch: Batch) -> None:
    """One transaction: the checkpoint, the households, the row errors, the counters."""
    rows = sum(d.rows for d in batch.drafts)
    async with run.sessions() as session, session.begin():
        if not await repository.claim_rows(session, run.import_id, run.rows_done, rows):
            raise Superseded()
        written = batch.valid if run.dry_run else await write_households(session, run, batch)
        found = [e for d in batch.drafts for e in sorted(d.errors, key=lambda e: e.row)]
        # Only the first errors of an import are kept: a file of nothing but errors
        # would otherwise store more than it holds. The rest are counted.
        kept = found[: max(0, run.settings.import_max_stored_errors - run.errors_stored)]
        await repository.add_errors(
            session,
            [
                {
                    "id": new_id(),
                    "import_id": run.import_id,
                    "row_number": e.row,
                    "household_key": e.key,
                    "column": e.column,
                    "code": e.code,
                    "message": e.message,
                }
                for e in kept
            ],
        )
        await repository.add_progress(
            session,
            run.import_id,
            imported=len(written),
            failed=len(batch.drafts) - len(written),
            errors=len(found),
            stored=len(kept),
        )
        if run.job is not None:
            await run.job.renew_lease_in(session)
    run.rows_done += rows
    run.errors_stored += len(kept)
    run.written += sum(len(d.members) for d in written)
    if not run.dry_run and run.written >= run.analyze_at:
        run.analyze_at = 2 * run.written
        async with run.sessions() as session, session.begin():
            await ledger.refresh_statistics(session)


def _rows(
    run: Run,
    draft: HouseholdDraft,
    existing: Mapping[str, KnownPerson],
    sealed: Mapping[str, tuple[str, str]],
) -> LedgerRows:
    return ledger.rows_of_new_household(draft.new_household(), existing, sealed, run.origin)


async def _check_regions(session: ReadSession, run: Run, drafts: Sequence[HouseholdDraft]) -> None:
    for draft in drafts:
        if draft.fields is None:
            continue
        code = draft.fields.region_code
        if code not in run.regions:
            run.regions[code] = await region_exists(session, code)
        rule = partial(
            ledger.check_region,
            code,
            run.scope,
            exists=run.regions[code],
            loc=["region_code"],
        )
        draft.check(draft.first_row, rule)


def _check_ledger(
    run: Run, drafts: Sequence[HouseholdDraft], existing: Mapping[str, KnownPerson]
) -> None:
    """A person who is an active member of a household in the ledger may not be added again (DOMAIN 4).

    The household is named (its region) only when it lies within the uploader's jurisdiction.
    """
    for draft in drafts:
        for member in draft.members:
            known = existing.get(member.index)
            if known is None or known.active_region is None:
                continue
            where = (
                f"（{known.active_region}）" if is_within(known.active_region, run.scope) else ""
            )
            zh = row_message(_IN_LEDGER, "") + where
            draft.fail(member.row, "id_number", _IN_LEDGER, "already in a household", zh=zh)


async def write_households(session: WriteSession, run: Run, batch: Batch) -> list[HouseholdDraft]:
    """Write the valid households at once; on a unique violation, household by household.

    The violation means a concurrent request added one of the persons since
    the batch was prepared: each household then gets its own savepoint, and
    only the ones that collide fail, with the row of the person named.
    """
    try:
        async with session.begin_nested():
            await ledger.write_new_households(session, batch.rows)
        return batch.valid
    except ledger.Collision:
        logger.info("import_batch_conflict", import_id=str(run.import_id))
    written: list[HouseholdDraft] = []
    for draft in batch.valid:
        rows = _rows(run, draft, batch.existing, batch.sealed)
        try:
            async with session.begin_nested():
                await ledger.write_new_households(session, rows)
            written.append(draft)
        except ledger.Collision:
            await _blame(session, run, draft)
    return written


async def _blame(session: ReadSession, run: Run, draft: HouseholdDraft) -> None:
    """Name the rows whose person another request added meanwhile."""
    now_known = await ledger.known_persons(session, [m.index for m in draft.members])
    _check_ledger(run, [draft], now_known)
    if not draft.errors:
        draft.fail(draft.first_row, "id_number", _IN_LEDGER, "already in a household")


async def _finish(
    run: Run, status: ImportStatus, failure_code: str | None, failure_message: str | None
) -> None:
    values: dict[str, Any] = {
        "status": status.value,
        "finished_at": utcnow(),
        "failure_code": failure_code,
        "failure_message": failure_message,
    }
    async with run.sessions() as session, session.begin():
        await repository.set_fields(session, run.import_id, **values)
        if not run.dry_run:
            await audit.record(
                session,
                run.origin.context,
                "household.import",
                object_type="import",
                object_id=str(run.import_id),
                region_code=run.scope,
            )
    # The file holds ID numbers in clear; the ledger keeps them only encrypted.
    run.path.unlink(missing_ok=True)
