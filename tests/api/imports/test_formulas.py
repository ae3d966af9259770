"""No cell a user or an admin typed reaches a spreadsheet as a formula (issue 12 defect 9).

The import's error report (CSV and XLSX) quotes household keys from the
file; the template's explanation sheet lists code labels admins may add.
"""

import csv
import io

import httpx
from fastapi import FastAPI
from openpyxl import load_workbook

from app.core.config import Settings
from tests.api.imports.conftest import csv_file, error_rows, error_sheet, imported, person
from tests.conftest import sign_in

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KEYS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=2+2"]
"""A key for each start; the reader strips the blanks, so the last two come out as `=…`."""


async def _report_of_crafted_keys(
    http: httpx.AsyncClient, app: FastAPI, settings: Settings, token: str
) -> str:
    rows = [person(key, name="") for key in KEYS]
    body = await imported(http, app, settings, token, csv_file(rows))
    assert body["households_failed"] == len(KEYS)
    return str(body["id"])


async def test_the_csv_error_report_neutralises_every_formula_start(
    anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
) -> None:
    import_id = await _report_of_crafted_keys(anonymous, app, settings, worker_token)
    table = await error_rows(anonymous, worker_token, import_id)
    keys = [row[1] for row in table[1:] if row[1]]
    assert set(keys) == {"'" + key.strip() for key in KEYS}
    for row in table:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), row


async def test_the_xlsx_error_report_has_no_formula_cell(
    anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
) -> None:
    import_id = await _report_of_crafted_keys(anonymous, app, settings, worker_token)
    sheet = await error_sheet(anonymous, worker_token, import_id)
    assert [c.value for c in sheet[0]] == ["行号", "户编号", "列", "错误代码", "说明"]
    keys = {row[1].value for row in sheet[1:]}
    assert keys == {"'" + key.strip() for key in KEYS}
    for row in sheet:
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_STARTS), cell.value
    assert all(row[0].data_type == "n" for row in sheet[1:])


async def test_a_code_label_an_admin_added_is_not_a_formula_in_the_template(
    anonymous: httpx.AsyncClient, worker_token: str
) -> None:
    admin = {"Authorization": f"Bearer {await sign_in(anonymous, 'admin')}"}
    label = "=cmd|' /C calc'!A0"
    added = await anonymous.post(
        "/api/v1/dictionaries/hardship_cause/codes",
        json={"code": "dde", "label_zh": label, "label_en": "+1+1"},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    response = await anonymous.get(
        "/api/v1/imports/template", headers={"Authorization": f"Bearer {worker_token}"}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert "'" + label in [c.value for c in cells]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    csv_template = await anonymous.get(
        "/api/v1/imports/template",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {worker_token}"},
    )
    for row in csv.reader(io.StringIO(csv_template.content.decode("utf-8-sig"))):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
