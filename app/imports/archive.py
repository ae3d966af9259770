"""Zip bombs: an XLSX is a zip archive, checked before openpyxl unpacks any of it.

A workbook of 20,000 screening rows unpacks to about 15 MB, its rows
compressed about 10:1; a crafted archive of a few kilobytes declares, or
holds, gigabytes. Two checks, both against the same limits:

- `check_declared` reads only the archive's directory: too many parts, more
  unpacked bytes in all than the limit, or a part compressed more than the
  ratio allows, and the file is refused. It unpacks nothing, so an upload
  runs it (413 at once).
- `check_unpacked` unpacks every part as a stream and counts the bytes it
  actually yields, stopping at the first chunk past a limit: declared sizes
  can lie. The worker runs it before the workbook is opened, which then
  reads the same parts of the same file through the same `zipfile`.
  (CPython's `zipfile` already stops a part at its declared size, and its
  checksum then fails, so a part that lies comes out as damaged,
  `import_unreadable`; the count does not rely on that.)
"""

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.core.config import Settings
from app.imports.sources import FileProblem

MAX_PARTS = 1000
"""A workbook has a dozen parts, a few hundred with many sheets and pictures."""
RATIO_GRACE_BYTES = 1 << 20
"""Parts below this are not held to the ratio: small XML (styles, themes) compresses far
better than rows do, and cannot grow much (Apache POI's zip-bomb check exempts them too)."""
_CHUNK = 1 << 20
_SPLIT = "；请删除多余的空白行、格式和工作表，或拆分后分批导入"
_DAMAGED = (
    zipfile.BadZipFile,  # also a part whose CRC does not match what it unpacked to
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,  # an encrypted part
    NotImplementedError,  # a compression method zipfile does not know
)


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    unpacked_bytes: int
    ratio: int

    @classmethod
    def of(cls, settings: Settings) -> "ArchiveLimits":
        return cls(settings.import_max_unpacked_bytes, settings.import_max_compression_ratio)


class ArchiveTooLarge(FileProblem):
    """The archive is over a limit; `reason` is `unpacked_bytes`, `compression_ratio` or `parts`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__("import_unpacked_too_large", message + _SPLIT)
        self.reason = reason


def _too_much(limits: ArchiveLimits) -> ArchiveTooLarge:
    return ArchiveTooLarge(
        "unpacked_bytes", f"Excel 文件解压后超过 {limits.unpacked_bytes} 字节的上限"
    )


def _too_compressed(limits: ArchiveLimits) -> ArchiveTooLarge:
    return ArchiveTooLarge("compression_ratio", f"Excel 文件中有部件的压缩比超过 {limits.ratio}:1")


def _over_ratio(unpacked: int, member: zipfile.ZipInfo, limits: ArchiveLimits) -> bool:
    return unpacked > RATIO_GRACE_BYTES and unpacked > limits.ratio * max(member.compress_size, 1)


def _unreadable(exc: Exception) -> FileProblem:
    return FileProblem("import_unreadable", f"无法读取 Excel 文件：{type(exc).__name__}")


@contextmanager
def _opened(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(path)
    except _DAMAGED as exc:
        raise _unreadable(exc) from None
    with archive:
        yield archive


def check_declared(path: Path, limits: ArchiveLimits) -> None:
    """Refuse an archive whose directory declares more than the limits allow; unpacks nothing."""
    with _opened(path) as archive:
        members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise ArchiveTooLarge(
            "parts", f"Excel 文件包含 {len(members)} 个部件，超过 {MAX_PARTS} 个的上限"
        )
    if sum(m.file_size for m in members) > limits.unpacked_bytes:
        raise _too_much(limits)
    if any(_over_ratio(m.file_size, m, limits) for m in members):
        raise _too_compressed(limits)


def check_unpacked(path: Path, limits: ArchiveLimits) -> None:
    """Unpack every part, counting the bytes it really yields, whatever the directory says;
    run after `check_declared`, which refuses the honest bombs without unpacking them."""
    with _opened(path) as archive:
        total = 0
        for member in archive.infolist():
            unpacked = 0
            try:
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        total += len(chunk)
                        if total > limits.unpacked_bytes:
                            raise _too_much(limits)
                        if _over_ratio(unpacked, member, limits):
                            raise _too_compressed(limits)
            except _DAMAGED as exc:
                raise _unreadable(exc) from None
