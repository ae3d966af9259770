"""The screening template (摸排表): Chinese headers, the grouping rule and the code lists.

The XLSX has the form on its first sheet and the explanations, with every
code table a column uses, on a second; the CSV carries the rules in a note
row above the header (the reader looks for the header row).
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.dictionaries.public import DictionariesOut
from app.imports.columns import GROUPING_RULES, TEMPLATE_COLUMNS, Column

_TEXT_COLUMNS = frozenset(
    {"household_key", "region_code", "id_number", "phone", "guardian_phone", "caregiver_phone"}
)


def _header(column: Column) -> str:
    return f"*{column.header}" if column.required else column.header


def csv_template() -> bytes:
    """UTF-8 with BOM, so spreadsheet programs open the Chinese headers correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["填写说明：" + "".join(GROUPING_RULES)])
    writer.writerow([_header(c) for c in TEMPLATE_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_template(dictionaries: DictionariesOut) -> bytes:
    workbook = Workbook()
    form = workbook.active
    assert form is not None
    form.title = "摸排表"
    form.append([_header(c) for c in TEMPLATE_COLUMNS])
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
    notes.append(["填写规则"])
    for rule in GROUPING_RULES:
        notes.append([rule])
    notes.append([])
    notes.append(["列名", "必填", "说明", "代码表"])
    tables = {t.name: t for t in dictionaries.tables}
    for column in TEMPLATE_COLUMNS:
        table = tables[column.table].labels.zh_cn if column.table else ""
        notes.append([column.header, "是" if column.required else "", column.note, table])
    used = dict.fromkeys(c.table for c in TEMPLATE_COLUMNS if c.table)
    for name in used:
        assert name is not None
        notes.append([])
        notes.append([f"代码表：{tables[name].labels.zh_cn}", "代码", "名称"])
        for code in tables[name].codes:
            notes.append(["", code.code, code.labels.zh_cn])
    notes.column_dimensions["A"].width = 40
    notes.column_dimensions["C"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
