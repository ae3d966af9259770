"""The contract fuzzing gate: schemathesis against a server on a fresh demo database, per role.

Seeds one temporary SQLite database (`sanzhu migrate`, `sanzhu seed-demo`), then for each
role copies it, starts `sanzhu serve` on a free port, signs in through the API and runs
schemathesis against the committed contract with the settings of `schemathesis.toml`. Each
role gets its own copy, so what one role's run writes (an admin deactivating users, a street
officer ending decisions) cannot change what the next one reaches, and the run is the same
in any order. Prints per role the operations tested, the cases, the failures and how many
operations answered a 2xx (from the server's access log); exits 1 on any failure.

    .venv/bin/python tests/fuzz/run.py [--max-examples N] [--stateful] [--jobs N] [--role NAME ...]
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CONTRACT = ROOT / "openapi" / "openapi.json"
CONFIG = ROOT / "schemathesis.toml"
DEMO_PASSWORD = "Sanzhu-Demo-2026"  # the README's development default
READY_SECONDS = 60.0
AUTH_PREFIX = "/api/v1/auth/"


@dataclass(frozen=True)
class Role:
    """A caller the fuzzer acts as: a demo user (password grant) or a demo API client."""

    name: str
    username: str | None = None
    client_id: str | None = None
    acknowledges: bool = False
    """Acknowledges its agency's confidentiality agreement first (a social worker reads nothing before)."""

    def token_form(self) -> dict[str, str]:
        if self.client_id is not None:
            return {
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": DEMO_PASSWORD,
            }
        assert self.username is not None
        return {"grant_type": "password", "username": self.username, "password": DEMO_PASSWORD}


ROLES = (
    Role("admin", username="admin"),
    Role("district_officer", username="district_officer"),
    Role("street_officer", username="street_officer"),
    Role("community_worker", username="community_worker"),
    Role("grid_worker", username="grid_worker"),
    Role("social_worker", username="social_worker", acknowledges=True),
    Role("partner", client_id="red-cross"),
)


@dataclass(frozen=True)
class Outcome:
    role: str
    operations: int
    cases: int
    failures: int
    errors: int
    reached_2xx: frozenset[tuple[str, str]]
    failure_titles: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.failures == 0 and self.errors == 0


def fuzzed_operations() -> set[tuple[str, str]]:
    """The contract's operations but the authentication ones schemathesis.toml leaves out."""
    paths = json.loads(CONTRACT.read_text(encoding="utf-8"))["paths"]
    methods = {"get", "put", "post", "patch", "delete"}
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in methods and not path.startswith(AUTH_PREFIX)
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(workdir: Path, database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SANZHU_")}
    env.update(
        SANZHU_ENVIRONMENT="development",
        SANZHU_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        SANZHU_STATE_DIR=str(workdir / "state"),
        SANZHU_DEMO_PASSWORD=DEMO_PASSWORD,
        SANZHU_LOG_JSON="true",
        SANZHU_LOG_LEVEL="INFO",
        # The longest a token may live: a role's run signs in once.
        SANZHU_ACCESS_TOKEN_MINUTES="60",
    )
    return env


def seed(workdir: Path) -> Path:
    database = workdir / "demo.db"
    env = server_env(workdir, database)
    for command in ("migrate", "seed-demo"):
        subprocess.run([BIN / "sanzhu", command], env=env, check=True, stdout=subprocess.DEVNULL)
    return database


@contextmanager
def server(workdir: Path, database: Path, log: Path) -> Iterator[str]:
    """`sanzhu serve` on a free port until the block ends, however it ends."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [BIN / "sanzhu", "serve", "--port", str(port)],
            env=server_env(workdir, database),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_ready(base_url, process)
            yield base_url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was ready")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server was not ready within {READY_SECONDS:.0f} s")


def sign_in(base_url: str, role: Role) -> str:
    """A bearer token got the way a client gets one: POST /api/v1/auth/token."""
    answer = httpx.post(f"{base_url}/api/v1/auth/token", data=role.token_form(), timeout=30)
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    if role.acknowledges:
        httpx.post(
            f"{base_url}/api/v1/users/me/confidentiality-acknowledgement",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).raise_for_status()
    return token


def reached_2xx(log: Path, operations: set[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """Operations of the contract the server answered with a 2xx at least once (its access log)."""
    reached: set[tuple[str, str]] = set()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if (
            isinstance(entry, dict)
            and entry.get("event") == "request"
            and 200 <= int(entry.get("status", 0)) < 300
        ):
            reached.add((str(entry.get("method")), str(entry.get("route"))))
    return frozenset(reached & operations)


def fuzz(role: Role, pristine: Path, workdir: Path, args: argparse.Namespace) -> Outcome:
    roledir = workdir / role.name
    roledir.mkdir()
    database = roledir / "demo.db"
    shutil.copyfile(pristine, database)
    log = roledir / "server.log"
    report = roledir / "report.json"
    output = roledir / "schemathesis.txt"
    phases = "examples,coverage,fuzzing" + (",stateful" if args.stateful else "")
    with server(workdir, database, log) as base_url:
        env = {
            **os.environ,
            "SANZHU_FUZZ_BASE_URL": base_url,
            "SANZHU_FUZZ_TOKEN": sign_in(base_url, role),
        }
        command = [
            str(BIN / "schemathesis"),
            "--no-color",
            "--config-file",
            str(CONFIG),
            "run",
            str(CONTRACT),
            "--phases",
            phases,
            "--max-examples",
            str(args.max_examples),
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ]
        with output.open("wb") as out:
            subprocess.run(command, env=env, cwd=ROOT, check=False, stdout=out, stderr=out)
    title = f"== {role.name}: schemathesis ({phases}, {args.max_examples} examples per operation)"
    print(f"{title}\n{output.read_text(encoding='utf-8', errors='replace')}", flush=True)
    summary = json.loads(report.read_text(encoding="utf-8"))
    failures = summary["failures"]
    return Outcome(
        role=role.name,
        operations=summary["operations"]["tested"],
        cases=summary["test_cases"]["generated"],
        failures=sum(group["count"] for group in failures),
        errors=sum(group["count"] for group in summary["errors"]),
        reached_2xx=reached_2xx(log, fuzzed_operations()),
        failure_titles=tuple(f"{group['title']} ({group['count']})" for group in failures),
    )


def print_summary(outcomes: list[Outcome], total_operations: int) -> None:
    print(f"\n== fuzz summary ({total_operations} operations fuzzed)")
    print(f"{'role':<16}{'operations':>11}{'cases':>8}{'failures':>10}{'errors':>8}{'2xx':>6}")
    for outcome in outcomes:
        print(
            f"{outcome.role:<16}{outcome.operations:>11}{outcome.cases:>8}"
            f"{outcome.failures:>10}{outcome.errors:>8}{len(outcome.reached_2xx):>6}"
        )
        for title in outcome.failure_titles:
            print(f"    {title}")
    reached = frozenset().union(*(outcome.reached_2xx for outcome in outcomes))
    print(f"operations reaching a 2xx for at least one role: {len(reached)}")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-examples", type=int, default=5, help="Cases per operation and phase."
    )
    parser.add_argument(
        "--stateful", action="store_true", help="Also the stateful phase (the contract's links)."
    )
    parser.add_argument("--jobs", type=int, default=2, help="Roles fuzzed at once.")
    parser.add_argument(
        "--role",
        action="append",
        choices=[role.name for role in ROLES],
        help="Only this role (repeatable); default every role.",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    roles = [role for role in ROLES if args.role is None or role.name in args.role]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sanzhu-fuzz-") as tmp:
        workdir = Path(tmp)
        pristine = seed(workdir)
        # Each role has its own server and database, so roles run side by side: schemathesis
        # generating cases and the server answering them each keep a core busy.
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            outcomes = list(pool.map(lambda role: fuzz(role, pristine, workdir, args), roles))
    print_summary(outcomes, len(fuzzed_operations()))
    print(f"({time.monotonic() - started:.0f} s)")
    return 0 if all(outcome.passed for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
