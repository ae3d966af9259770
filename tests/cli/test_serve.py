"""`sanzhu serve --workers 2` as a real process tree: both server processes start, answer,
and stop cleanly, even when each takes longer to start than uvicorn's own 5 s health check
(issue 12 item 17).

The slow start is made deterministic: a `sitecustomize` on the children's path delays each
spawned server process before it can answer its parent, as importing the app does on a busy
machine. The health check is given far more than the default 60 s and the waits are generous,
because a test machine can be busier than any server (six test runs on two cores took 40 s to
start a process); the test takes about 15 s on a quiet machine.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

SLOW_START_SECONDS = 7
"""Longer than uvicorn's default health check (5 s, first asked 0.5 s after the spawn)."""
HEALTHCHECK_SECONDS = 240
DEADLINE_SECONDS = 200
REQUESTS = 6

_SLOW_CHILDREN = f"""
import sys
import time

# Only the server processes uvicorn spawns, not the parent `sanzhu serve`.
if "--multiprocessing-fork" in sys.orig_argv:
    time.sleep({SLOW_START_SECONDS})
"""
_STARTED = re.compile(r"Started server process \[(\d+)\]")
_FINISHED = re.compile(r"Finished server process \[(\d+)\]")
_REPLACED = re.compile(r"Child process \[\d+\] died|was not ready in time|failed to start")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _events(log: Path) -> list[str]:
    events = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            parsed = json.loads(line)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            events.append(str(parsed.get("event", "")))
    return events


def _pids(events: list[str], pattern: re.Pattern[str]) -> set[int]:
    return {int(m.group(1)) for e in events if (m := pattern.search(e))}


@pytest.fixture
def server(cli_env: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`sanzhu serve --workers 2` on a free port and the migrated test database; its log."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_SLOW_CHILDREN, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
        "SANZHU_LOG_JSON": "true",
        "SANZHU_LOG_LEVEL": "INFO",
    }
    port, log = _free_port(), tmp_path / "serve.log"
    command = [str(Path(sys.executable).with_name("sanzhu")), "serve", "--workers", "2"]
    options = [
        "--port",
        str(port),
        "--no-worker",
        "--healthcheck-seconds",
        str(HEALTHCHECK_SECONDS),
    ]
    with log.open("wb") as sink:
        # A session of its own, so teardown can stop the server processes with their parent.
        process = subprocess.Popen(  # noqa: S603 - our own command
            [*command, *options],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process, port, log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)


def _wait_until_both_started(process: subprocess.Popen[bytes], log: Path) -> set[int]:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        events = _events(log)
        replaced = [e for e in events if _REPLACED.search(e)]
        assert not replaced, f"a server process was killed while starting: {replaced}"
        assert process.poll() is None, f"serve exited early: {events}"
        started = _pids(events, _STARTED)
        if len(started) == 2 and events.count("Application startup complete.") == 2:
            return started
        time.sleep(0.25)
    pytest.fail(f"the server processes did not start in {DEADLINE_SECONDS} s: {_events(log)}")


def test_two_server_processes_start_slowly_answer_and_stop_cleanly(
    server: tuple[subprocess.Popen[bytes], int, Path],
) -> None:
    process, port, log = server
    started = _wait_until_both_started(process, log)

    answers = []
    for _ in range(REQUESTS):
        # A new connection each time, so either process may take it.
        response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=30)
        answers.append((response.status_code, response.json()["status"]))
    assert answers == [(200, "ready")] * REQUESTS

    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0
    events = _events(log)
    assert _pids(events, _FINISHED) == started
    assert events[-1].startswith("Stopping parent process")
    assert not [e for e in events if _REPLACED.search(e)]
