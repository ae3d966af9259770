"""Bulk imports of screening files (摸排) and the errors found in their rows (DOMAIN 3-4)."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, Timestamped, uuid_pk
from app.core.types import UTCDateTime, region_code_type


class ImportStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class Import(Timestamped, Base):
    """One uploaded file and how far its processing got.

    `region_code` is the uploader's jurisdiction when uploading: rows may
    only place households within it, and staff above it see the import.
    The counters are saved with each batch the worker commits, so they are
    also the checkpoint a retried job resumes from. `errors_count` counts every
    row error found, `errors_stored` those kept in `import_errors` (the first
    ones, up to `SANZHU_IMPORT_MAX_STORED_ERRORS`).
    """

    __tablename__ = "imports"
    __table_args__ = (
        Index("ix_imports_sha256", "sha256"),
        Index("ix_imports_created_by_id", "created_by", "id"),
        Index("ix_imports_region_id", "region_code", "id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str | None] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(region_code_type())
    file_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str | None] = mapped_column(String(16))
    dry_run: Mapped[bool] = mapped_column()
    forced: Mapped[bool] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.queued.value)
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(Text)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    households_imported: Mapped[int] = mapped_column(Integer, default=0)
    households_failed: Mapped[int] = mapped_column(Integer, default=0)
    errors_count: Mapped[int] = mapped_column(Integer, default=0)
    errors_stored: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    ignored_columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportRowError(Base):
    """One problem in one cell (or row) of an imported file; its household was not written."""

    __tablename__ = "import_errors"
    __table_args__ = (Index("ix_import_errors_import_row", "import_id", "row_number", "id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)
    household_key: Mapped[str | None] = mapped_column(String(64))
    column: Mapped[str | None] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(500))
