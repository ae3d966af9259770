"""Screening files for import tests, uploads through HTTP, and running the worker on them."""

import csv
import io
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.exports import XLSX_MEDIA_TYPE
from app.domains import build_worker
from app.imports.columns import TEMPLATE_COLUMNS
from tests.cli.conftest import cli_database_url, cli_env
from tests.conftest import sign_in
from tests.factories import GRID_A1_1, create_demo_district, id_number

__all__ = ["cli_database_url", "cli_env"]
"""The CLI's database fixtures, for `sanzhu import`."""

HEADERS = [c.header for c in TEMPLATE_COLUMNS]


def person(
    key: str,
    *,
    name: str = "张秀英",
    relation: str = "本人",
    region: str = GRID_A1_1,
    number: str | None = None,
    **cells: str,
) -> dict[str, str]:
    """One row of a screening file by Chinese header; household columns filled for the first row."""
    return {
        "户编号": key,
        "所属区划代码": region,
        "家庭住址": f"龙湖社区 {key} 号",
        "姓名": name,
        "身份证号": number or id_number(),
        "与户主关系": relation,
        **cells,
    }


def csv_file(rows: Sequence[dict[str, str]], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADERS, extrasaction="raise")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows: Sequence[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def upload(
    http: httpx.AsyncClient,
    token: str,
    content: bytes,
    *,
    filename: str = "摸排表.csv",
    **fields: str,
) -> httpx.Response:
    return await http.post(
        "/api/v1/imports",
        files={"file": (filename, content, "application/octet-stream")},
        data=fields,
        headers={"Authorization": f"Bearer {token}"},
    )


async def run_jobs(app: FastAPI) -> int:
    """Run due jobs with the app's own worker until none is left; returns how many ran."""
    worker = build_worker(app.state.services)
    ran = 0
    while count := await worker.run_once():
        ran += count
    return ran


async def imported(
    http: httpx.AsyncClient, app: FastAPI, settings: Settings, token: str, content: bytes, **kw: str
) -> dict[str, Any]:
    """Upload, run the worker, and return the import as the API shows it at the end."""
    response = await upload(http, token, content, **kw)
    assert response.status_code == 202, response.text
    await run_jobs(app)
    final = await http.get(
        response.headers["location"], headers={"Authorization": f"Bearer {token}"}
    )
    assert final.status_code == 200, final.text
    body: dict[str, Any] = final.json()
    return body


async def error_rows(http: httpx.AsyncClient, token: str, import_id: str) -> list[list[str]]:
    """The downloaded errors file, parsed: header first."""
    response = await http.get(
        f"/api/v1/imports/{import_id}/errors", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def error_sheet(http: httpx.AsyncClient, token: str, import_id: str) -> list[list[Cell]]:
    """The downloaded errors workbook's cells, row by row: header first."""
    response = await http.get(
        f"/api/v1/imports/{import_id}/errors",
        params={"format": "xlsx"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_MEDIA_TYPE
    assert "errors.xlsx" in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows()]


@pytest.fixture
async def demo(session: AsyncSession) -> None:
    await create_demo_district(session)


@pytest.fixture
async def worker_token(anonymous: httpx.AsyncClient, demo: None) -> str:
    """A community worker of community 500112001001."""
    return await sign_in(anonymous, "community_worker")
