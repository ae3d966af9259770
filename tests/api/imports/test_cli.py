"""`sanzhu import FILE --as USER`: the same checks as an upload, processed at once (synchronous)."""

from pathlib import Path

from typer.testing import CliRunner

from app.cli import cli
from tests.api.imports.conftest import csv_file, person, xlsx_file
from tests.api.imports.crafted import MIB, SHEET, repeated, with_sheet


def test_imports_a_file_as_a_staff_member(cli_env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
    path = tmp_path / "百果园社区摸排.csv"
    path.write_bytes(
        csv_file([person("H1"), person("H1", name="李四", relation="配偶"), person("H2")])
    )

    done = runner.invoke(cli, ["import", str(path), "--as", "community_worker"])
    again = runner.invoke(cli, ["import", str(path), "--as", "community_worker"])
    dry = runner.invoke(cli, ["import", str(path), "--as", "community_worker", "--dry-run"])

    assert done.exit_code == 0, done.output
    assert "succeeded: 3 rows, 2 households imported, 0 failed, 0 errors" in done.stdout
    assert again.exit_code == 1
    assert "already imported by import" in again.stderr
    assert dry.exit_code == 0, dry.output
    assert "succeeded: 3 rows, 0 households imported, 2 failed, 3 errors" in dry.stdout


def test_only_staff_who_may_import(cli_env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
    path = tmp_path / "a.csv"
    path.write_bytes(csv_file([person("H1")]))
    for user in ("social_worker", "nobody"):
        refused = runner.invoke(cli, ["import", str(path), "--as", user])
        assert refused.exit_code == 2
        assert f"no active user '{user}' who may import" in refused.stderr


def test_a_zip_bomb_is_refused_before_it_is_queued(cli_env: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
    path = tmp_path / "bomb.xlsx"
    bomb = repeated(SHEET, b"<row/>" * (MIB // 6), 100)
    path.write_bytes(with_sheet(xlsx_file([person("H1")]), bomb))
    refused = runner.invoke(cli, ["import", str(path), "--as", "community_worker"])
    assert refused.exit_code == 2, refused.output
    assert f"more than {64 * MIB} bytes" in refused.stderr
    assert "(unpacked_bytes)" in refused.stderr
