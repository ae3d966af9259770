"""Crafted workbooks: zip archives written byte by byte, so a test can make a zip bomb.

A part's deflate stream is made by compressing one chunk once and repeating
the result (each copy ends with a full flush, so it refers to nothing before
it): a hundred megabytes of sheet XML cost a few kilobytes and no time. The
directory may declare any size, so an archive can lie about what it holds.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

MIB = 1 << 20
SHEET = "xl/worksheets/sheet1.xml"


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    stream: bytes
    """The raw deflate stream."""
    crc: int
    size: int
    """What the directory declares the part unpacks to."""


def deflated(name: str, data: bytes) -> Part:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Part(name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def repeated(name: str, chunk: bytes, times: int, *, declared: int | None = None) -> Part:
    """`chunk` `times` over, compressed once; the directory says `declared` if given."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    size = len(chunk) * times
    return Part(name, block * times + final, crc, size if declared is None else declared)


def archive(parts: Sequence[Part]) -> bytes:
    """A zip file of the parts, deflated, as written by any zip tool."""
    body, directory = io.BytesIO(), io.BytesIO()
    for part in parts:
        name = part.name.encode()
        sizes = (part.crc, len(part.stream), part.size)
        offset = body.tell()
        body.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, *sizes, len(name), 0))
        body.write(name + part.stream)
        directory.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                *sizes,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    end = struct.pack(
        "<IHHHHIIH",
        0x06054B50,
        0,
        0,
        len(parts),
        len(parts),
        directory.tell(),
        body.tell(),
        0,
    )
    return body.getvalue() + directory.getvalue() + end


def with_sheet(workbook: bytes, sheet: Part) -> bytes:
    """A real workbook whose first sheet is replaced by `sheet`."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        parts = [deflated(i.filename, source.read(i)) for i in source.infolist()]
    return archive([sheet if p.name == SHEET else p for p in parts])
