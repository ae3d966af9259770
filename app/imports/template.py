"""The screening template (摸排表): Chinese headers, the grouping rule and the code lists.

The XLSX has the form on its first sheet and the explanations, with every
code table a column uses, on a second; the CSV carries the rules in a note
row above the header (the reader looks for the header row).
"""

import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.core.exports import CSV_BOM, csv_line, xlsx_row
from app.dictionaries.public import DictionariesOut
from app.imports.columns import GROUPING_RULES, TEMPLATE_COLUMNS, Column

_TEXT_COLUMNS = frozenset(
    {"household_key", "region_code", "id_number", "phone", "guardian_phone", "caregiver_phone"}
)


def _header(column: Column) -> str:
    return f"*{column.header}" if column.required else column.header


def _notes(dictionaries: DictionariesOut) -> Iterator[list[str]]:
    """The explanation sheet: the rules, each column, and the code tables the columns use."""
    yield ["填写规则"]
    for rule in GROUPING_RULES:
        yield [rule]
    yield []
    yield ["列名", "必填", "说明", "代码表"]
    tables = {t.name: t for t in dictionaries.tables}
    for column in TEMPLATE_COLUMNS:
        table = tables[column.table].labels.zh_cn if column.table else ""
        yield [column.header, "是" if column.required else "", column.note, table]
    used = dict.fromkeys(c.table for c in TEMPLATE_COLUMNS if c.table)
    for name in used:
        assert name is not None
        yield []
        yield [f"代码表：{tables[name].labels.zh_cn}", "代码", "名称"]
        for code in tables[name].codes:
            yield ["", code.code, code.labels.zh_cn]


def csv_template() -> bytes:
    """UTF-8 with BOM, so spreadsheet programs open the Chinese headers correctly."""
    return (
        CSV_BOM
        + csv_line(["填写说明：" + "".join(GROUPING_RULES)])
        + csv_line([_header(c) for c in TEMPLATE_COLUMNS])
    )


def xlsx_template(dictionaries: DictionariesOut) -> bytes:
    """The form and its explanations; code labels come from the (editable) dictionaries,
    so every row goes through `xlsx_row` like any export."""
    workbook = Workbook()
    form = workbook.active
    assert form is not None
    form.title = "摸排表"
    form.append(xlsx_row(form, [_header(c) for c in TEMPLATE_COLUMNS]))
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = form.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        letter = get_column_letter(index)
        form.column_dimensions[letter].width = max(10, 3 * len(column.header))
        if column.field in _TEXT_COLUMNS:
            # Long digit strings typed into a number cell lose digits; keep these columns text.
            form.column_dimensions[letter].number_format = "@"
    form.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    for row in _notes(dictionaries):
        notes.append(xlsx_row(notes, row))
    notes.column_dimensions["A"].width = 40
    notes.column_dimensions["C"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
