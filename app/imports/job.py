"""The worker's side of an import: its job kind and handler."""

import uuid

from app.core.jobs import JobContext, JobKind
from app.imports import processing

IMPORT = JobKind(
    "ledger.import",
    max_attempts=processing.MAX_ATTEMPTS,
    # The run renews the job's lease after every batch, so it may outlast the lease;
    # the timeout bounds a stuck run.
    timeout_seconds=6 * 3600.0,
)


async def run(context: JobContext) -> None:
    """Process one uploaded file; its own short transactions commit progress as it goes.

    Idempotent: a finished import is left alone, an unfinished one resumes at its
    checkpoint."""
    await processing.run_import(
        context.services, uuid.UUID(context.job.payload["import_id"]), context
    )
