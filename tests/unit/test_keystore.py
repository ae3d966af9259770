"""Development secrets: generated once, shared by every caller, kept private."""

import json
import secrets
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.core import keystore
from app.core.keystore import KEYSTORE_FILE, LOCK_FILE, load_or_create

THREADS = 8


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _slow_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make generation slow so that concurrent callers all see the secret missing."""
    real = secrets.token_urlsafe

    def slow(nbytes: int | None = None) -> str:
        time.sleep(0.02)
        return real(nbytes)

    monkeypatch.setattr(keystore.secrets, "token_urlsafe", slow)


def _race(directory: Path, names: tuple[str, ...]) -> list[dict[str, str]]:
    barrier = threading.Barrier(THREADS)

    def call() -> dict[str, str]:
        barrier.wait()
        return load_or_create(directory, names)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(call) for _ in range(THREADS)]
        return [future.result() for future in futures]


class TestLoadOrCreate:
    def test_generates_a_secret_per_name(self, tmp_path: Path) -> None:
        stored = load_or_create(tmp_path / "state", ("secret_key", "other"))
        assert set(stored) == {"secret_key", "other"}
        assert stored["secret_key"] != stored["other"]
        for value in stored.values():
            assert len(value) == 64  # token_urlsafe(48): 48 bytes -> 64 characters

    def test_second_call_returns_the_same_secrets(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        first = load_or_create(directory, ("secret_key",))
        second = load_or_create(directory, ("secret_key",))
        assert first == second

    def test_secrets_are_written_to_the_file(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        stored = load_or_create(directory, ("secret_key",))
        on_disk = json.loads((directory / KEYSTORE_FILE).read_text(encoding="utf-8"))
        assert on_disk == stored

    def test_existing_file_is_not_regenerated(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        directory.mkdir()
        (directory / KEYSTORE_FILE).write_text('{"secret_key": "kept"}', encoding="utf-8")
        assert load_or_create(directory, ("secret_key",)) == {"secret_key": "kept"}

    def test_new_name_is_added_and_old_ones_stay(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        first = load_or_create(directory, ("secret_key",))
        second = load_or_create(directory, ("secret_key", "field_key"))
        assert second["secret_key"] == first["secret_key"]
        assert len(second["field_key"]) == 64
        assert load_or_create(directory, ("secret_key", "field_key")) == second

    def test_names_not_asked_for_are_kept(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        first = load_or_create(directory, ("a", "b"))
        assert load_or_create(directory, ("a",)) == first

    def test_file_is_private(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        load_or_create(directory, ("secret_key",))
        assert _mode(directory / KEYSTORE_FILE) == 0o600

    def test_file_stays_private_after_adding_a_name(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        load_or_create(directory, ("secret_key",))
        load_or_create(directory, ("secret_key", "field_key"))
        assert _mode(directory / KEYSTORE_FILE) == 0o600

    def test_created_folder_is_private(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        load_or_create(directory, ("secret_key",))
        assert _mode(directory) & 0o077 == 0

    def test_folder_is_ignored_by_git(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        load_or_create(directory, ("secret_key",))
        assert "*" in (directory / ".gitignore").read_text(encoding="utf-8").splitlines()

    def test_existing_gitignore_is_left_alone(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        directory.mkdir()
        (directory / ".gitignore").write_text("custom\n", encoding="utf-8")
        load_or_create(directory, ("secret_key",))
        assert (directory / ".gitignore").read_text(encoding="utf-8") == "custom\n"

    def test_no_temporary_files_are_left_behind(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        load_or_create(directory, ("secret_key",))
        load_or_create(directory, ("secret_key", "field_key"))
        assert sorted(p.name for p in directory.iterdir()) == [
            ".gitignore",
            KEYSTORE_FILE,
            LOCK_FILE,
        ]

    def test_non_object_file_is_refused(self, tmp_path: Path) -> None:
        directory = tmp_path / "state"
        directory.mkdir()
        (directory / KEYSTORE_FILE).write_text("[1, 2]", encoding="utf-8")
        with pytest.raises(ValueError, match="not a JSON object"):
            load_or_create(directory, ("secret_key",))


class TestConcurrentLoadOrCreate:
    def test_concurrent_first_calls_agree(self, tmp_path: Path) -> None:
        results = _race(tmp_path / "state", ("secret_key",))
        assert len(results) == THREADS
        assert all(result == results[0] for result in results)
        on_disk = json.loads((tmp_path / "state" / KEYSTORE_FILE).read_text(encoding="utf-8"))
        assert on_disk == results[0]

    def test_slow_concurrent_first_calls_agree(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _slow_tokens(monkeypatch)
        results = _race(tmp_path / "state", ("secret_key",))
        assert all(result == results[0] for result in results)
        assert sorted(p.name for p in (tmp_path / "state").iterdir()) == [
            ".gitignore",
            KEYSTORE_FILE,
            LOCK_FILE,
        ]

    def test_concurrent_calls_adding_a_name_agree(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        directory = tmp_path / "state"
        original = load_or_create(directory, ("secret_key",))
        _slow_tokens(monkeypatch)
        results = _race(directory, ("secret_key", "field_key"))
        on_disk = json.loads((directory / KEYSTORE_FILE).read_text(encoding="utf-8"))
        assert {result["secret_key"] for result in results} == {original["secret_key"]}
        assert {result["field_key"] for result in results} == {on_disk["field_key"]}
