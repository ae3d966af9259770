"""Receiving an upload: the multipart body streamed straight to a file, hashed on the way.

Used by every route that takes a file (screening files, household documents); each names
its short text fields and the 413 problem of its size limit.

Starlette's form parser would first spool the file to a temporary file; this
writes each chunk to its final directory as it arrives and computes the
SHA-256 at the same time, so memory stays flat whatever the file's size.
The file may not exceed `max_bytes`: a `Content-Length` that says more is
refused before anything is read, and a body that turns out larger is cut
off at the first chunk past the limit, its partial file removed.
"""

import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import anyio
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.core.errors import MalformedBody, UnsupportedMediaType, ValidationFailed
from app.core.field_messages import CHARACTERS

FILE_FIELD = "file"
TooLarge = Callable[[int], Exception]
"""The 413 problem of a route's file limit, given the limit."""
HEAD_BYTES = 16
"""How much of the file's start `Upload.head` keeps, for sniffing its type."""
ENVELOPE_BYTES = 64 << 10
"""What a body may hold besides the file: part headers, boundaries and the short fields."""


@dataclass(slots=True)
class Upload:
    path: Path
    file_name: str = ""
    size: int = 0
    sha256: str = ""
    head: bytes = b""
    fields: dict[str, str] = field(default_factory=dict)


class _Receiver:
    """Callbacks of the multipart parser: text fields kept, file bytes queued for writing."""

    def __init__(self, text_fields: frozenset[str], max_text: int) -> None:
        self.text_fields = text_fields
        self.max_text = max_text
        self.header_field = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.name = ""
        self.file_name: str | None = None
        self.upload_name = ""
        self.text = bytearray()
        self.pending: list[bytes] = []
        self.fields: dict[str, str] = {}
        self.files = 0

    def on_part_begin(self) -> None:
        self.headers, self.text, self.file_name = {}, bytearray(), None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        raw = options.get(b"filename")
        if raw is not None:
            self.file_name = Path(raw.decode("utf-8", "replace").replace("\\", "/")).name
            if self.name == FILE_FIELD:
                self.files += 1
                self.upload_name = self.file_name
                if self.files > 1:
                    raise ValidationFailed.in_body(FILE_FIELD, "too_many_files")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.name == FILE_FIELD and self.file_name is not None:
            self.pending.append(bytes(data[start:end]))
        elif self.name in self.text_fields:
            self.text += data[start:end]
            if len(self.text) > self.max_text:
                raise ValidationFailed.in_body(
                    self.name, "too_long", max_length=self.max_text, **CHARACTERS
                )

    def on_part_end(self) -> None:
        if self.name in self.text_fields:
            self.fields[self.name] = self.text.decode("utf-8", "replace").strip()


def _boundary(content_type: str | None) -> bytes:
    media, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise UnsupportedMediaType(params={"expected": "multipart/form-data"})
    return boundary


def check_declared_length(content_length: str | None, max_bytes: int, too_large: TooLarge) -> None:
    """Refuse a body whose declared length cannot hold a file of at most `max_bytes`."""
    declared = int(content_length) if content_length and content_length.isdigit() else 0
    if declared > max_bytes + ENVELOPE_BYTES:
        raise too_large(max_bytes)


async def receive(
    content_type: str | None,
    body: AsyncIterator[bytes],
    target: Path,
    *,
    max_bytes: int,
    too_large: TooLarge,
    text_fields: frozenset[str] = frozenset(),
    max_text: int = 100,
) -> Upload:
    """Stream the body's `file` part into `target`, at most `max_bytes` of it (else
    `too_large`); keep the `text_fields` (each at most `max_text` bytes, else 422); the
    partial file is removed on any failure."""
    receiver = _Receiver(text_fields, max_text)
    callbacks = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(_boundary(content_type), callbacks)  # type: ignore[arg-type]
    upload = Upload(path=target)
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    received = 0
    try:
        async with await anyio.open_file(target, "wb") as out:
            async for chunk in body:
                received += len(chunk)
                if received > max_bytes + ENVELOPE_BYTES:
                    raise too_large(max_bytes)
                try:
                    parser.write(chunk)
                except MultipartParseError:
                    raise MalformedBody() from None
                for piece in receiver.pending:
                    upload.size += len(piece)
                    if upload.size > max_bytes:
                        raise too_large(max_bytes)
                    digest.update(piece)
                    if len(upload.head) < HEAD_BYTES:
                        upload.head += piece[: HEAD_BYTES - len(upload.head)]
                    await out.write(piece)
                receiver.pending.clear()
            parser.finalize()
    except BaseException:
        await anyio.Path(target).unlink(missing_ok=True)
        raise
    if receiver.files == 0:
        await anyio.Path(target).unlink(missing_ok=True)
        raise ValidationFailed.in_body(FILE_FIELD, "missing")
    upload.file_name = (receiver.upload_name or "upload")[:255]
    upload.sha256 = digest.hexdigest()
    upload.fields = receiver.fields
    return upload
