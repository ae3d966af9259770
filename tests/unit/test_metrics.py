"""Multiprocess metrics: a stopping process takes its live gauges with it."""

import os
from pathlib import Path

import pytest

from app.core.metrics import MULTIPROC_ENV, process_exiting


def test_exiting_process_removes_its_live_gauge_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))
    mine = tmp_path / f"gauge_livesum_{os.getpid()}.db"
    other = tmp_path / "gauge_livesum_1.db"
    counter = tmp_path / f"counter_{os.getpid()}.db"
    for path in (mine, other, counter):
        path.write_bytes(b"")
    process_exiting()
    assert not mine.exists()
    assert other.exists()
    assert counter.exists(), "counters of finished processes still count"


def test_without_multiprocess_mode_nothing_happens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    process_exiting()
