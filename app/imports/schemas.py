"""Imports as the API shows them."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.actors import ActorRef
from app.imports.models import ImportStatus

_EXAMPLE: dict[str, Any] = {
    "uploaded_by": {
        "type": "user",
        "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
        "display_name": "双龙湖街道干部",
    },
    "id": "01936f0e-7c1a-7d4e-9a51-3f0c2b9d8e11",
    "status": "running",
    "file_name": "龙湖社区摸排表.xlsx",
    "format": "xlsx",
    "encoding": None,
    "size_bytes": 482133,
    "sha256": "9f2c7d0a5be1c4d8e3f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c",
    "dry_run": False,
    "forced": False,
    "region_code": "500112001001",
    "rows_total": 3500,
    "rows_done": 1500,
    "households_imported": 498,
    "households_failed": 2,
    "errors_count": 3,
    "errors_stored": 3,
    "ignored_columns": ["序号", "备注"],
    "failure_code": None,
    "failure_message": None,
    "created_at": "2026-11-23T08:00:00Z",
    "started_at": "2026-11-23T08:00:01Z",
    "finished_at": None,
}


class ImportOut(BaseModel):
    """An uploaded screening file (摸排) and the progress of its processing."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    id: uuid.UUID = Field(description="Import id.")
    status: ImportStatus = Field(
        description="`queued`, `running`, `succeeded` (every row was read; see the counters) "
        "or `failed` (the file as a whole could not be processed, see `failure_code`)."
    )
    file_name: str = Field(description="Name of the uploaded file.")
    format: Literal["csv", "xlsx"] = Field(description="`csv` or `xlsx`.")
    encoding: Literal["utf-8", "gb18030"] | None = Field(
        description="Text encoding of a CSV file (`utf-8` or `gb18030`), as given or detected; "
        "null until detected and for XLSX."
    )
    size_bytes: int = Field(description="Size of the file.")
    sha256: str = Field(description="SHA-256 of the file, hex; the same file again is a 409.")
    dry_run: bool = Field(description="Whether the file is only checked, nothing written.")
    forced: bool = Field(description="Whether it was uploaded with `force` despite a duplicate.")
    region_code: str = Field(
        description="The uploader's jurisdiction: rows may place households only within it."
    )
    rows_total: int | None = Field(
        description="Data rows in the file (blank rows not counted); null until counted."
    )
    rows_done: int = Field(description="Data rows processed so far.")
    households_imported: int = Field(
        description="Households written to the ledger; in a dry run, households that would be."
    )
    households_failed: int = Field(
        description="Households rejected because one of their rows has an error (nothing of them written)."
    )
    errors_count: int = Field(description="Row errors found, all of them (a row may have several).")
    errors_stored: int = Field(
        description="Of those, the ones kept for download from `/api/v1/imports/{id}/errors`: "
        "the first, in row order, up to a limit (`SANZHU_IMPORT_MAX_STORED_ERRORS`, default "
        "1,000); the file ends with a line counting the others."
    )
    ignored_columns: list[str] = Field(
        description="Header cells no column of the template matches."
    )
    failure_code: str | None = Field(
        description="Why the file could not be processed, when `failed`: e.g. "
        "`import_columns_missing`, `import_header_missing`, `import_encoding`, `import_unreadable`, "
        "`import_too_many_rows` (over `SANZHU_IMPORT_MAX_ROWS`), `import_unpacked_too_large` "
        "(an XLSX unpacking to more than it declared, or than the limits allow)."
    )
    failure_message: str | None = Field(description="That reason in Chinese, for the user.")
    uploaded_by: ActorRef = Field(description="Who uploaded it.")
    created_at: datetime = Field(description="When the file was uploaded.")
    started_at: datetime | None = Field(description="When processing started.")
    finished_at: datetime | None = Field(description="When processing ended.")
