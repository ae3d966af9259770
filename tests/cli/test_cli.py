"""The `sanzhu` command, run in-process with typer's CliRunner.

These tests are synchronous: every command runs its own `asyncio.run`.
"""

import asyncio
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from app.cli import cli
from app.core.audit_keys import generate_audit_keys
from app.core.crypto import FieldCipher, generate_blind_index_key, generate_field_keys
from app.core.jobs import Job
from app.core.migrations import PROJECT_ROOT
from app.core.signing_keys import generate_jwks
from tests.cli.conftest import api_client

COMMITTED_CONTRACT = PROJECT_ROOT / "openapi" / "openapi.json"

CALENDAR_2027 = {
    "year": 2027,
    "source": "国办发明电〔2026〕99号",
    "holidays": [{"date": f"2027-10-0{d}", "name": "国庆节"} for d in range(1, 8)],
    "working_days": [{"date": "2027-10-09", "name": "国庆节调休"}],
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


class TestSeedDemo:
    def test_seeding_twice_gives_the_same_tree(
        self, runner: CliRunner, cli_env: str, tmp_path: Path
    ) -> None:
        first = runner.invoke(cli, ["seed-demo"])
        second = runner.invoke(cli, ["seed-demo"])

        assert first.exit_code == 0, first.output
        assert second.exit_code == 0, second.output
        assert first.stdout == (
            "demo data ready: 15 regions, 26 organizations, 11 users and 2 API clients, "
            "12 new demo households, 2 new consents (1 withdrawn), 10 referral routes, "
            "10 default receivers, 9 new demo applications, one in every state, 4 new demo "
            "discovery reports, 2 new home visits, 3 new demo policy versions, 2 published, "
            "2 new demo assessments, 1 new Red Cross aid terms, 2 new charity reports "
            "(password: the default Sanzhu-Demo-2026)\n"
        )
        assert second.stdout == (
            first.stdout.replace("12 new", "0 new")
            .replace("2 new consents (1 withdrawn)", "0 new consents")
            .replace("9 new demo applications, one in every state", "0 new demo applications")
            .replace("4 new", "0 new")
            .replace("3 new demo policy versions, 2 published", "0 new demo policy versions")
            .replace("2 new demo assessments", "0 new demo assessments")
            .replace("1 new Red Cross aid terms", "0 new Red Cross aid terms")
            .replace("2 new", "0 new")
        )
        with api_client(cli_env, tmp_path / "state") as http:
            assert [r["code"] for r in http.get("/api/v1/regions").json()["items"]] == ["500112"]
            streets = http.get("/api/v1/regions", params={"parent_code": "500112"}).json()
            assert len(streets["items"]) == 2
            for street in streets["items"]:
                communities = http.get(
                    "/api/v1/regions", params={"parent_code": street["code"]}
                ).json()["items"]
                assert len(communities) == 2
                for community in communities:
                    grids = http.get(
                        "/api/v1/regions", params={"parent_code": community["code"]}
                    ).json()["items"]
                    assert [g["level"] for g in grids] == ["grid", "grid"]
            subtree = http.get("/api/v1/regions/500112/subtree", params={"limit": 200}).json()
            assert len(subtree["items"]) == 14
            organizations = http.get("/api/v1/organizations", params={"limit": 200}).json()
            assert len(organizations["items"]) == 26


class TestLedgerRekey:
    def test_rotation_reencrypts_every_id_number_under_the_new_key(
        self, runner: CliRunner, cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
        stored = json.loads((tmp_path / "state" / "secrets.json").read_text(encoding="utf-8"))
        old_keys = json.loads(stored["field_keys"])["keys"]
        new_keys = json.loads(generate_field_keys())["keys"]
        new_kid = new_keys[0]["kid"]
        monkeypatch.setenv("SANZHU_FIELD_KEYS", json.dumps({"keys": new_keys + old_keys}))

        first = runner.invoke(cli, ["ledger", "rekey"])
        again = runner.invoke(cli, ["ledger", "rekey"])

        assert first.exit_code == 0, first.output
        # 12 demo households of 18 members, and the 9 families that applied at the one window.
        assert first.stdout == f"27 ID numbers re-encrypted under key {new_kid}\n"
        assert again.stdout == f"0 ID numbers re-encrypted under key {new_kid}\n"
        only_new = FieldCipher(json.dumps({"keys": new_keys}))
        rows = asyncio.run(_person_ciphers(cli_env))
        assert len(rows) == 27
        for cipher, key_id in rows:
            assert key_id == new_kid
            assert len(only_new.decrypt(cipher, context="person.id_number")) == 18


class TestIntakeRekey:
    def test_rotation_reencrypts_the_reports_id_numbers_under_the_new_key(
        self, runner: CliRunner, cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
        stored = json.loads((tmp_path / "state" / "secrets.json").read_text(encoding="utf-8"))
        old_keys = json.loads(stored["field_keys"])["keys"]
        new_keys = json.loads(generate_field_keys())["keys"]
        new_kid = new_keys[0]["kid"]
        monkeypatch.setenv("SANZHU_FIELD_KEYS", json.dumps({"keys": new_keys + old_keys}))

        first = runner.invoke(cli, ["intake", "rekey"])
        again = runner.invoke(cli, ["intake", "rekey"])

        assert first.exit_code == 0, first.output
        assert first.stdout == f"1 report ID numbers re-encrypted under key {new_kid}\n"
        assert again.stdout == f"0 report ID numbers re-encrypted under key {new_kid}\n"
        only_new = FieldCipher(json.dumps({"keys": new_keys}))
        rows = asyncio.run(_person_ciphers(cli_env, "discovery_reports"))
        assert [key_id for _, key_id in rows] == [new_kid]
        assert len(only_new.decrypt(rows[0][0], context="person.id_number")) == 18


async def _person_ciphers(url: str, table: str = "persons") -> list[tuple[str, str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(
                text(
                    f"SELECT id_number_cipher, id_number_key_id FROM {table} "  # noqa: S608
                    "WHERE id_number_cipher IS NOT NULL"
                )
            )
            return [(row[0], row[1]) for row in result]
    finally:
        await engine.dispose()


class TestMigrate:
    def test_migrated_database_stays_at_head(self, runner: CliRunner, cli_env: str) -> None:
        result = runner.invoke(cli, ["migrate"])

        assert result.exit_code == 0, result.output
        assert "latest revision" in result.stdout


class TestExportOpenapi:
    def test_committed_contract_is_current(self, runner: CliRunner, cli_env: str) -> None:
        result = runner.invoke(
            cli, ["export-openapi", "--check", "--output", str(COMMITTED_CONTRACT)]
        )

        assert result.exit_code == 0, result.output
        assert result.stdout.strip().endswith("is current")

    def test_export_writes_the_committed_contract(
        self, runner: CliRunner, cli_env: str, tmp_path: Path
    ) -> None:
        output = tmp_path / "out" / "openapi.json"

        result = runner.invoke(cli, ["export-openapi", "--output", str(output)])

        assert result.exit_code == 0, result.output
        assert output.read_text(encoding="utf-8") == COMMITTED_CONTRACT.read_text(encoding="utf-8")

    def test_check_fails_on_a_stale_file(
        self, runner: CliRunner, cli_env: str, tmp_path: Path
    ) -> None:
        stale = tmp_path / "openapi.json"
        stale.write_text("{}\n", encoding="utf-8")

        result = runner.invoke(cli, ["export-openapi", "--check", "--output", str(stale)])

        assert result.exit_code == 1
        assert "out of date" in result.stderr
        assert stale.read_text(encoding="utf-8") == "{}\n"


class TestServeRefusesUnsafeProduction:
    @pytest.fixture(autouse=True)
    def no_server(self, monkeypatch: pytest.MonkeyPatch) -> list[object]:
        started: list[object] = []

        def refuse(*args: object, **kwargs: object) -> None:
            started.append(args)
            raise AssertionError("uvicorn must not start")

        monkeypatch.setattr("app.cli.uvicorn.run", refuse)
        return started

    def test_missing_secret_exits_2_with_one_line(
        self,
        runner: CliRunner,
        cli_env: str,
        monkeypatch: pytest.MonkeyPatch,
        no_server: list[object],
    ) -> None:
        monkeypatch.setenv("SANZHU_ENVIRONMENT", "production")
        monkeypatch.delenv("SANZHU_SECRET_KEY")
        monkeypatch.setenv("SANZHU_DATABASE_URL", "postgresql+asyncpg://sanzhu@db.invalid/sanzhu")

        result = runner.invoke(cli, ["serve"])

        assert result.exit_code == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert "SANZHU_SECRET_KEY" in lines[0]
        assert result.stdout == ""
        assert no_server == []

    def test_short_secret_exits_2(
        self,
        runner: CliRunner,
        cli_env: str,
        monkeypatch: pytest.MonkeyPatch,
        no_server: list[object],
    ) -> None:
        monkeypatch.setenv("SANZHU_ENVIRONMENT", "production")
        monkeypatch.setenv("SANZHU_SECRET_KEY", "too-short")
        monkeypatch.setenv("SANZHU_DATABASE_URL", "postgresql+asyncpg://sanzhu@db.invalid/sanzhu")

        result = runner.invoke(cli, ["serve"])

        assert result.exit_code == 2
        assert len(result.stderr.splitlines()) == 1
        assert "shorter than 32" in result.stderr
        assert no_server == []

    def test_sqlite_in_production_exits_2_naming_sqlite(
        self,
        runner: CliRunner,
        cli_env: str,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        no_server: list[object],
    ) -> None:
        monkeypatch.setenv("SANZHU_ENVIRONMENT", "production")
        monkeypatch.setenv("SANZHU_JWT_KEYS", generate_jwks())
        monkeypatch.setenv("SANZHU_FIELD_KEYS", generate_field_keys())
        monkeypatch.setenv("SANZHU_BLIND_INDEX_KEY", generate_blind_index_key())
        monkeypatch.setenv("SANZHU_AUDIT_KEYS", generate_audit_keys())
        monkeypatch.setenv("SANZHU_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'prod.db'}")

        result = runner.invoke(cli, ["serve"])

        assert result.exit_code == 2
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert "SQLite" in lines[0]
        assert no_server == []


class TestCalendarCommands:
    def test_load_year_then_set_day(self, runner: CliRunner, cli_env: str, tmp_path: Path) -> None:
        data = tmp_path / "2027.json"
        data.write_text(json.dumps(CALENDAR_2027, ensure_ascii=False), encoding="utf-8")

        loaded = runner.invoke(cli, ["calendar", "load-year", str(data)])
        corrected = runner.invoke(
            cli, ["calendar", "set-day", "2027-10-11", "--holiday", "--name", "补休"]
        )

        assert loaded.exit_code == 0, loaded.output
        assert loaded.stdout == "calendar 2027 loaded: 7 holidays, 1 exchanged working days\n"
        assert corrected.exit_code == 0, corrected.output
        assert corrected.stdout == "2027-10-11 is now a day off\n"
        with api_client(cli_env, tmp_path / "state") as http:
            years = http.get("/api/v1/calendar/years").json()["items"]
            assert years[-1] == {"year": 2027, "source": "国办发明电〔2026〕99号", "loaded": True}
            body = http.get(
                "/api/v1/calendar", params={"start": "2027-10-01", "end": "2027-10-11"}
            ).json()
            assert body["missing_years"] == []
            by_date = {d["date"]: d for d in body["days"]}
            assert by_date["2027-10-04"]["is_working_day"] is False
            assert by_date["2027-10-09"]["is_working_day"] is True
            assert (by_date["2027-10-11"]["is_working_day"], by_date["2027-10-11"]["name"]) == (
                False,
                "补休",
            )

    def test_set_day_can_make_a_day_working(
        self, runner: CliRunner, cli_env: str, tmp_path: Path
    ) -> None:
        result = runner.invoke(cli, ["calendar", "set-day", "2026-10-07", "--working"])

        assert result.exit_code == 0, result.output
        with api_client(cli_env, tmp_path / "state") as http:
            body = http.get(
                "/api/v1/calendar", params={"start": "2026-10-07", "end": "2026-10-07"}
            ).json()
            assert body["days"][0]["is_working_day"] is True
            assert body["days"][0]["source"] == "override"

    def test_invalid_year_file_exits_2(
        self, runner: CliRunner, cli_env: str, tmp_path: Path
    ) -> None:
        data = tmp_path / "bad.json"
        bad = {**CALENDAR_2027, "working_days": [{"date": "2027-10-08", "name": "周五"}]}
        data.write_text(json.dumps(bad), encoding="utf-8")

        result = runner.invoke(cli, ["calendar", "load-year", str(data)])

        assert result.exit_code == 2
        assert "not a valid calendar year" in result.stderr

    def test_missing_year_file_exits_2(
        self, runner: CliRunner, cli_env: str, tmp_path: Path
    ) -> None:
        result = runner.invoke(cli, ["calendar", "load-year", str(tmp_path / "missing.json")])

        assert result.exit_code == 2

    def test_set_day_with_an_invalid_date_exits_2_with_one_line(
        self, runner: CliRunner, cli_env: str
    ) -> None:
        """Like every other refusal of the CLI: exit 2 and one line, not a traceback."""
        result = runner.invoke(cli, ["calendar", "set-day", "2027-13-01", "--holiday"])

        assert result.exit_code == 2, result.exception
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert "2027-13-01" in result.stderr


class TestDictionaryAdd:
    def test_adding_a_code_then_the_same_again(
        self, runner: CliRunner, cli_env: str, tmp_path: Path
    ) -> None:
        command = [
            "dictionary",
            "add",
            "hardship_cause",
            "flood_damage",
            "--zh",
            "洪涝受灾",
            "--en",
            "Flood damage",
        ]

        first = runner.invoke(cli, command)
        again = runner.invoke(cli, command)

        assert first.exit_code == 0, first.output
        assert first.stdout == "added hardship_cause.flood_damage\n"
        assert again.exit_code == 2
        assert again.stderr.startswith("sanzhu: refused:")
        assert "integrity_conflict" in again.stderr
        with api_client(cli_env, tmp_path / "state") as http:
            tables = http.get("/api/v1/dictionaries").json()["tables"]
            (causes,) = [t for t in tables if t["name"] == "hardship_cause"]
            added = [c for c in causes["codes"] if c["code"] == "flood_damage"]
            assert added == [
                {
                    "code": "flood_damage",
                    "labels": {"zh-CN": "洪涝受灾", "en": "Flood damage"},
                    "group": None,
                    "builtin": False,
                    "attributes": None,
                    "person_rule": None,
                }
            ]

    def test_fixed_table_is_refused(self, runner: CliRunner, cli_env: str) -> None:
        result = runner.invoke(
            cli, ["dictionary", "add", "target_type", "x", "--zh", "某类", "--en", "Some type"]
        )

        assert result.exit_code == 2
        assert "table_not_extensible" in result.stderr
        assert result.stdout == ""

    def test_malformed_code_is_refused(self, runner: CliRunner, cli_env: str) -> None:
        result = runner.invoke(
            cli, ["dictionary", "add", "need", "Bad-Code", "--zh", "坏", "--en", "Bad"]
        )

        assert result.exit_code == 2
        assert "code_format" in result.stderr


class TestJobsList:
    def test_lists_nothing_on_an_empty_database(self, runner: CliRunner, cli_env: str) -> None:
        result = runner.invoke(cli, ["jobs", "list"])

        assert result.exit_code == 0, result.output
        assert "status" in result.stdout

    def test_lists_dead_jobs(self, runner: CliRunner, cli_env: str) -> None:
        async def add_dead_job() -> None:
            engine = create_async_engine(cli_env)
            now = datetime.now(UTC)
            try:
                async with engine.begin() as connection:
                    await connection.execute(
                        insert(Job).values(
                            id=uuid.uuid4(),
                            kind="noop",
                            payload={},
                            status="dead",
                            attempts=8,
                            max_attempts=8,
                            run_after=now,
                            last_error="boom",
                            created_at=now,
                            updated_at=now,
                        )
                    )
            finally:
                await engine.dispose()

        asyncio.run(add_dead_job())

        dead = runner.invoke(cli, ["jobs", "list", "--status", "dead"])
        pending = runner.invoke(cli, ["jobs", "list", "--status", "pending"])

        assert dead.exit_code == 0, dead.output
        assert "noop" in dead.stdout
        assert "boom" in dead.stdout
        assert pending.exit_code == 0, pending.output
        assert "noop" not in pending.stdout
