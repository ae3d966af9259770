"""Receiving a screening file: the multipart body streamed straight to a file (`core.uploads`)
with the import's short fields and its size limit."""

from collections.abc import AsyncIterator
from pathlib import Path

from app.core import uploads
from app.core.uploads import ENVELOPE_BYTES, Upload
from app.imports.errors import ImportFileTooLarge

_TEXT_FIELDS = frozenset({"dry_run", "force", "encoding"})

__all__ = ["ENVELOPE_BYTES", "Upload", "check_declared_length", "receive"]


def check_declared_length(content_length: str | None, max_bytes: int) -> None:
    """413 `import_file_too_large` for a body declared too long to hold an allowed file."""
    uploads.check_declared_length(content_length, max_bytes, ImportFileTooLarge)


async def receive(
    content_type: str | None, body: AsyncIterator[bytes], target: Path, *, max_bytes: int
) -> Upload:
    """Stream the body's `file` part into `target`, at most `max_bytes` of it (else 413)."""
    return await uploads.receive(
        content_type,
        body,
        target,
        max_bytes=max_bytes,
        too_large=ImportFileTooLarge,
        text_fields=_TEXT_FIELDS,
    )
