"""GET /api/v1/imports/template: Chinese headers that the importer reads back."""

import csv
import io

import httpx
from fastapi import FastAPI
from openpyxl import load_workbook

from app.core.config import Settings
from app.imports.columns import TEMPLATE_COLUMNS
from app.imports.sources import find_layout
from tests.api.imports.conftest import imported, person
from tests.conftest import sign_in
from tests.problems import assert_invalid, assert_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class TestTemplate:
    async def test_xlsx_has_chinese_headers_and_an_explanation_sheet(
        self, anonymous: httpx.AsyncClient, worker_token: str
    ) -> None:
        response = await anonymous.get("/api/v1/imports/template", headers=_auth(worker_token))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == XLSX
        assert "filename*=UTF-8''%E6%91%B8%E6%8E%92" in response.headers["content-disposition"]
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        assert workbook.sheetnames == ["摸排表", "填写说明"]
        rows = enumerate(workbook["摸排表"].iter_rows(values_only=True), start=1)
        layout = find_layout(rows)
        assert sorted(layout.fields.values()) == sorted(c.field for c in TEMPLATE_COLUMNS)
        assert layout.ignored == []
        headers = next(workbook["摸排表"].iter_rows(values_only=True))
        assert headers[:4] == ("*户编号", "*所属区划代码", "*家庭住址", "户籍地")
        notes = [
            cell for row in workbook["填写说明"].iter_rows(values_only=True) for cell in row if cell
        ]
        assert any("必须上下相邻" in str(n) for n in notes)
        assert "困境老年人" in notes
        assert "elderly_in_distress" in notes
        # A file carries no target types: they are decisions recorded per household.
        assert "城市低保对象" not in notes
        assert "对象类型" not in headers
        assert {"监护人姓名", "监护人关系", "监护人电话", "照料人关系"} <= set(headers)
        assert {"代码表：与本人关系（监护人、照料人）", "neighbour", "邻居"} <= set(notes)

    async def test_csv_has_a_note_row_then_the_header(
        self, anonymous: httpx.AsyncClient, worker_token: str
    ) -> None:
        response = await anonymous.get(
            "/api/v1/imports/template", params={"format": "csv"}, headers=_auth(worker_token)
        )
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0].startswith("填写说明：")
        assert rows[1] == [("*" if c.required else "") + c.header for c in TEMPLATE_COLUMNS]

    async def test_a_filled_in_csv_template_imports(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        response = await anonymous.get(
            "/api/v1/imports/template", params={"format": "csv"}, headers=_auth(worker_token)
        )
        row = person("H1")
        line = [row.get(c.header, "") for c in TEMPLATE_COLUMNS]
        buffer = io.StringIO()
        csv.writer(buffer).writerow(line)
        content = response.content + buffer.getvalue().encode()
        body = await imported(anonymous, app, settings, worker_token, content)
        assert (body["status"], body["rows_total"], body["households_imported"]) == (
            "succeeded",
            1,
            1,
        )

    async def test_unknown_format_is_422(
        self, anonymous: httpx.AsyncClient, worker_token: str
    ) -> None:
        response = await anonymous.get(
            "/api/v1/imports/template", params={"format": "pdf"}, headers=_auth(worker_token)
        )
        assert_invalid(response, ["query", "format"])

    async def test_social_worker_is_403(self, anonymous: httpx.AsyncClient, demo: None) -> None:
        token = await sign_in(anonymous, "social_worker")
        response = await anonymous.get("/api/v1/imports/template", headers=_auth(token))
        assert_problem(response, 403, "forbidden")
