"""What one upload may cost (issue 12 defect 8): bytes uploaded, bytes unpacked, rows, errors kept.

A refusal at upload is a 413 problem that leaves no file, no import and no
job; a limit found by the worker fails the import before a row is written.
"""

import random
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.jobs import Job
from app.households.models import Household
from app.imports.archive import ArchiveLimits, ArchiveTooLarge, check_declared, check_unpacked
from app.imports.models import Import, ImportRowError
from app.imports.sources import FileProblem
from tests.api.imports.conftest import (
    csv_file,
    error_rows,
    error_sheet,
    imported,
    person,
    upload,
    xlsx_file,
)
from tests.api.imports.crafted import MIB, SHEET, Part, archive, deflated, repeated, with_sheet
from tests.problems import assert_problem

ROWS = b"<row/>" * (MIB // 6) + b"<row/>"[: MIB % 6]
"""One mebibyte of sheet XML, compressed about 700:1."""


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _nothing_left(session: AsyncSession, settings: Settings) -> None:
    """No stored file, no import record, no job: a refused upload left no trace."""
    path = settings.imports_path
    assert not path.exists() or list(path.iterdir()) == []
    for model in (Import, Job, Household):
        assert await session.scalar(select(func.count()).select_from(model)) == 0
    await session.commit()


def _bomb(megabytes: int, *, declared: int | None = None) -> bytes:
    """A real workbook whose sheet unpacks to `megabytes` MiB from about 1.5 KB each."""
    return with_sheet(
        xlsx_file([person("H1")]), repeated(SHEET, ROWS, megabytes, declared=declared)
    )


class TestUploadBytes:
    async def test_a_declared_length_over_the_limit_is_413_before_reading(
        self,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        worker_token: str,
    ) -> None:
        settings.import_max_upload_bytes = 1000
        content = csv_file([person("H1")]) + b" " * (70 * 1024)
        response = await upload(anonymous, worker_token, content)
        body = assert_problem(response, 413, "import_file_too_large")
        assert body["limit"] == 1000
        assert "1000" in body["detail"]
        await _nothing_left(session, settings)

    async def test_a_file_just_over_the_limit_is_413_and_at_the_limit_is_accepted(
        self,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        worker_token: str,
    ) -> None:
        content = csv_file([person("H1")])
        settings.import_max_upload_bytes = len(content) - 1
        response = await upload(anonymous, worker_token, content)
        assert_problem(response, 413, "import_file_too_large")
        await _nothing_left(session, settings)
        settings.import_max_upload_bytes = len(content)
        assert (await upload(anonymous, worker_token, content)).status_code == 202

    async def test_a_body_without_length_is_cut_off_while_it_streams(
        self,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        worker_token: str,
    ) -> None:
        """Chunked, so only counting the bytes as they arrive can stop it: the rest is never read."""
        settings.import_max_upload_bytes = 256 * 1024
        sent = 0

        async def body() -> AsyncIterator[bytes]:
            nonlocal sent
            yield (
                b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
                b"Content-Type: text/csv\r\n\r\n"
            )
            for _ in range(1024):  # 64 MiB, were it all read
                sent += 64 * 1024
                yield b"H1," * (64 * 1024 // 3) + b"H"
            yield b"\r\n--xyz--\r\n"

        response = await anonymous.post(
            "/api/v1/imports",
            content=body(),
            headers={**_auth(worker_token), "Content-Type": "multipart/form-data; boundary=xyz"},
        )
        problem = assert_problem(response, 413, "import_file_too_large")
        assert problem["limit"] == 256 * 1024
        assert sent <= 256 * 1024 + 2 * 64 * 1024
        await _nothing_left(session, settings)

    async def test_the_default_limit_is_ten_mebibytes(self, settings: Settings) -> None:
        assert settings.import_max_upload_bytes == 10 * MIB


class TestZipBombs:
    async def test_a_sheet_declaring_more_than_the_limit_is_413_at_upload(
        self,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        worker_token: str,
    ) -> None:
        """With the default limits: 100 MiB of sheet XML in about 150 KB."""
        content = _bomb(100)
        assert len(content) < 200_000
        response = await upload(anonymous, worker_token, content, filename="bomb.xlsx")
        body = assert_problem(response, 413, "import_unpacked_too_large")
        assert (body["limit"], body["reason"]) == (64 * MIB, "unpacked_bytes")
        await _nothing_left(session, settings)

    async def test_a_part_compressed_past_the_ratio_is_413_at_upload(
        self,
        anonymous: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        worker_token: str,
    ) -> None:
        """Under the total, but 700:1: how a few kilobytes become tens of thousands of rows."""
        response = await upload(anonymous, worker_token, _bomb(4), filename="bomb.xlsx")
        body = assert_problem(response, 413, "import_unpacked_too_large")
        assert (body["reason"], body["max_ratio"]) == ("compression_ratio", 100)
        await _nothing_left(session, settings)

    async def test_a_sheet_that_lies_about_its_size_fails_in_the_worker(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        session: AsyncSession,
        settings: Settings,
        worker_token: str,
    ) -> None:
        """The directory says 1 KB, the stream holds 100 MiB: unpacking stops at what was
        declared (a part that yields otherwise is damaged), so no time goes into the rest."""
        started = time.monotonic()
        body = await imported(
            anonymous, app, settings, worker_token, _bomb(100, declared=1000), filename="x.xlsx"
        )
        assert (body["status"], body["failure_code"]) == ("failed", "import_unreadable")
        assert (body["rows_done"], body["households_imported"]) == (0, 0)
        assert time.monotonic() - started < 20
        assert await session.scalar(select(func.count()).select_from(Household)) == 0
        await session.commit()
        assert list(settings.imports_path.iterdir()) == []

    async def test_an_ordinary_workbook_passes(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        content = xlsx_file([person(f"H{i}") for i in range(50)])
        body = await imported(anonymous, app, settings, worker_token, content, filename="a.xlsx")
        assert (body["status"], body["households_imported"]) == ("succeeded", 50)


class TestArchiveChecks:
    """The two checks on their own: the directory, then the bytes really unpacked."""

    LIMITS = ArchiveLimits(unpacked_bytes=8 * MIB, ratio=100)

    def _write(self, tmp_path: Path, content: bytes) -> Path:
        path = tmp_path / "book.xlsx"
        path.write_bytes(content)
        return path

    def test_the_directory_is_read_without_unpacking(self, tmp_path: Path) -> None:
        """Its 4 GB part is not even deflate data: only the directory was read."""
        part = Part(SHEET, b"\xff" * 100, 0, 4_000_000_000)
        with pytest.raises(ArchiveTooLarge) as caught:
            check_declared(self._write(tmp_path, archive([part])), self.LIMITS)
        assert caught.value.reason == "unpacked_bytes"
        assert caught.value.code == "import_unpacked_too_large"

    def test_too_many_parts(self, tmp_path: Path) -> None:
        parts = [deflated(f"xl/media/{i}.bin", b"x") for i in range(1001)]
        with pytest.raises(ArchiveTooLarge) as caught:
            check_declared(self._write(tmp_path, archive(parts)), self.LIMITS)
        assert caught.value.reason == "parts"

    def test_small_parts_are_not_held_to_the_ratio(self, tmp_path: Path) -> None:
        path = self._write(tmp_path, archive([repeated("xl/styles.xml", b"a" * 1024, 1000)]))
        check_declared(path, self.LIMITS)
        check_unpacked(path, self.LIMITS)

    def test_unpacking_counts_the_bytes_it_yields_and_stops_past_the_limit(
        self, tmp_path: Path
    ) -> None:
        """12 MiB that barely compress pass the ratio; unpacking stops at the 8 MiB limit."""
        chunk = random.Random(12).randbytes(MIB)
        path = self._write(tmp_path, archive([repeated(SHEET, chunk, 12)]))
        with pytest.raises(ArchiveTooLarge) as caught:
            check_unpacked(path, self.LIMITS)
        assert caught.value.reason == "unpacked_bytes"

    def test_unpacking_checks_the_ratio_of_what_it_yields(self, tmp_path: Path) -> None:
        path = self._write(tmp_path, archive([repeated(SHEET, ROWS, 4)]))
        with pytest.raises(ArchiveTooLarge) as caught:
            check_unpacked(path, self.LIMITS)
        assert caught.value.reason == "compression_ratio"

    def test_a_part_yielding_more_than_declared_is_damaged(self, tmp_path: Path) -> None:
        path = self._write(tmp_path, archive([repeated(SHEET, ROWS, 100, declared=1000)]))
        check_declared(path, self.LIMITS)
        with pytest.raises(FileProblem) as caught:
            check_unpacked(path, self.LIMITS)
        assert caught.value.code == "import_unreadable"

    def test_not_an_archive(self, tmp_path: Path) -> None:
        with pytest.raises(FileProblem) as caught:
            check_declared(self._write(tmp_path, b"PK\x03\x04 not a zip"), self.LIMITS)
        assert caught.value.code == "import_unreadable"


def _rows_file(count: int, *, blank: int = 0) -> bytes:
    """`count` persons, one household each, then `blank` empty lines."""
    return csv_file([person(f"H{i}") for i in range(count)]) + b",,,,,,\r\n" * blank


class TestRows:
    async def test_more_rows_than_the_default_limit_fail_before_any_is_written(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        session: AsyncSession,
        settings: Settings,
        worker_token: str,
    ) -> None:
        """20,001 rows in 2 MB: the counting pass stops at row 20,001, nothing is validated."""
        content = csv_file([person("H1")] * 20_001)
        started = time.monotonic()
        body = await imported(anonymous, app, settings, worker_token, content)
        assert (body["status"], body["failure_code"]) == ("failed", "import_too_many_rows")
        assert body["failure_message"].startswith("文件的数据行超过 20000 行的上限")
        assert (body["rows_total"], body["rows_done"], body["errors_count"]) == (None, 0, 0)
        assert time.monotonic() - started < 30
        assert await session.scalar(select(func.count()).select_from(Household)) == 0
        await session.commit()
        assert list(settings.imports_path.iterdir()) == []

    async def test_the_limit_itself_is_allowed(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        settings.import_max_rows = 5
        body = await imported(anonymous, app, settings, worker_token, _rows_file(5, blank=5))
        assert (body["status"], body["rows_total"], body["households_imported"]) == (
            "succeeded",
            5,
            5,
        )

    async def test_one_row_more_fails(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        settings.import_max_rows = 5
        body = await imported(anonymous, app, settings, worker_token, _rows_file(6))
        assert (body["status"], body["failure_code"], body["households_imported"]) == (
            "failed",
            "import_too_many_rows",
            0,
        )

    async def test_blank_rows_count_too(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        """A sheet padded with empty rows costs as much to read as a full one."""
        settings.import_max_rows = 5
        body = await imported(anonymous, app, settings, worker_token, _rows_file(2, blank=6))
        assert (body["status"], body["failure_code"]) == ("failed", "import_too_many_rows")
        assert body["failure_message"].startswith("文件的空白行超过 5 行的上限")


class TestStoredErrors:
    async def test_the_first_errors_are_stored_and_the_others_counted(
        self,
        anonymous: httpx.AsyncClient,
        app: FastAPI,
        session: AsyncSession,
        settings: Settings,
        worker_token: str,
    ) -> None:
        """Seven households with one error each, in batches of two: three stored, across batches."""
        settings.import_max_stored_errors = 3
        settings.import_batch_size = 2
        rows = [person(f"H{i}", name="") for i in range(7)]
        body = await imported(anonymous, app, settings, worker_token, csv_file(rows))
        assert (body["status"], body["errors_count"], body["errors_stored"]) == ("succeeded", 7, 3)
        assert body["households_failed"] == 7
        stored = await session.scalar(select(func.count()).select_from(ImportRowError))
        await session.commit()
        assert stored == 3
        table = await error_rows(anonymous, worker_token, body["id"])
        assert [row[:2] for row in table[1:4]] == [["2", "H0"], ["3", "H1"], ["4", "H2"]]
        assert table[4][:4] == ["", "", "", "import_errors_not_stored"]
        assert table[4][4].startswith("另有 4 条错误未列出：只保存前 3 条")
        assert len(table) == 5
        sheet = await error_sheet(anonymous, worker_token, body["id"])
        assert [row[0].value for row in sheet] == ["行号", 2, 3, 4, None]
        assert sheet[-1][3].value == "import_errors_not_stored"

    async def test_by_default_a_thousand_are_stored(self, settings: Settings) -> None:
        assert settings.import_max_stored_errors == 1000

    async def test_an_import_within_the_limit_has_no_closing_line(
        self, anonymous: httpx.AsyncClient, app: FastAPI, settings: Settings, worker_token: str
    ) -> None:
        body = await imported(
            anonymous, app, settings, worker_token, csv_file([person("H1", name="")])
        )
        assert (body["errors_count"], body["errors_stored"]) == (1, 1)
        assert len(await error_rows(anonymous, worker_token, body["id"])) == 2
