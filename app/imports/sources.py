"""Reading an uploaded file row by row, never whole: CSV over a text stream, XLSX read-only.

Rows come out as (row number as the user sees it, cell values); the first
row is 1. The header is the first of the first few rows that names the
household key column, so a title or note row above it is allowed.
"""

import codecs
import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from app.imports import columns

Cells = tuple[Any, ...] | list[Any]
Rows = Iterator[tuple[int, Cells]]

ENCODINGS = ("utf-8", "gb18030")
_HEADER_SEARCH_ROWS = 10
_CHUNK = 1 << 20
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class FileProblem(Exception):
    """The file as a whole cannot be imported; `code` is stable, the message is Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sniff_format(head: bytes) -> str | None:
    """`xlsx` (a zip), `csv`, or None for a legacy binary workbook (.xls) we cannot read."""
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    if head.startswith(_XLS_MAGIC):
        return None
    return "csv"


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if every byte decodes as such, else GB18030."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as raw:
            while chunk := raw.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


@contextmanager
def open_rows(path: Path, file_format: str, encoding: str | None) -> Iterator[Rows]:
    """Every row of the file (of the first sheet of a workbook), streamed."""
    if file_format == "xlsx":
        with _xlsx_rows(path) as rows:
            yield rows
        return
    python_encoding = "utf-8-sig" if encoding in (None, "utf-8") else encoding
    try:
        with path.open(encoding=python_encoding, newline="") as text:
            yield enumerate(csv.reader(text), start=1)
    except UnicodeDecodeError:
        raise FileProblem(
            "import_encoding", f"文件不是 {encoding or 'UTF-8'} 编码，请指定正确的编码后重新上传"
        ) from None
    except csv.Error as exc:
        raise FileProblem("import_unreadable", f"CSV 文件格式有误：{exc}") from None


@contextmanager
def _xlsx_rows(path: Path) -> Iterator[Rows]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged archive
        raise FileProblem(
            "import_unreadable", f"无法读取 Excel 文件：{type(exc).__name__}"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # Declared dimensions are often wrong in files written by other tools; read what is there.
        sheet.reset_dimensions()
        yield enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and value.isspace())


def is_blank(cells: Cells) -> bool:
    try:
        return not "".join(cells).strip()  # a CSV row: text only, checked at C speed
    except TypeError:
        return all(_empty(value) for value in cells)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the header is and which field each column holds."""

    header_row: int
    fields: dict[int, str]
    ignored: list[str]


def find_layout(rows: Rows) -> Layout:
    """Consume rows up to the header; refuse a file without one or without a required column."""
    for number, cells in rows:
        headers = [str(value) if value is not None else "" for value in cells]
        found = {i: columns.field_of(h) for i, h in enumerate(headers)}
        if columns.KEY.field not in found.values():
            if number >= _HEADER_SEARCH_ROWS:
                break
            continue
        fields: dict[int, str] = {}
        for index, field in found.items():
            if field is not None and field not in fields.values():
                fields[index] = field
        missing = [c.header for c in columns.REQUIRED if c.field not in fields.values()]
        if missing:
            raise FileProblem("import_columns_missing", f"缺少必填列：{'、'.join(missing)}")
        ignored = [h.strip() for i, h in enumerate(headers) if i not in fields and h.strip()]
        return Layout(number, fields, ignored)
    raise FileProblem(
        "import_header_missing", f"前 {_HEADER_SEARCH_ROWS} 行中没有找到含“户编号”的表头行"
    )


def data_rows(rows: Rows, layout: Layout) -> Iterator[tuple[int, dict[str, Any]]]:
    """The non-blank rows after the header, as {field: raw value} of the non-empty cells."""
    for number, cells in rows:
        if is_blank(cells):
            continue
        width = len(cells)
        yield (
            number,
            {
                f: value
                for i, f in layout.fields.items()
                if i < width and not _empty(value := cells[i])
            },
        )


def count_data_rows(
    path: Path, file_format: str, encoding: str | None, max_rows: int
) -> tuple[Layout, int]:
    """The layout and the number of non-blank data rows: a cheap first streaming pass.

    It stops at the first row past `max_rows` data rows, or past as many blank
    ones (a sheet padded with empty rows costs as much to read as a full one).
    """
    data = blank = 0
    with open_rows(path, file_format, encoding) as rows:
        layout = find_layout(rows)
        for _, cells in rows:
            if is_blank(cells):
                blank += 1
            else:
                data += 1
            if data > max_rows or blank > max_rows:
                kind = "数据行" if data > max_rows else "空白行"
                raise FileProblem(
                    "import_too_many_rows",
                    f"文件的{kind}超过 {max_rows} 行的上限；请删除多余的空白行，或拆分后分批导入",
                )
        return layout, data
