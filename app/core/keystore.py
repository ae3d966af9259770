"""Development secrets generated once into `./.sanzhu/` and shared by every process.

A fresh checkout must run without configuration, yet cursors, tokens and
encrypted fields must survive a restart and agree between workers. So a
missing secret is generated under an exclusive file lock, written atomically,
and read back by everyone else.
"""

import fcntl
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

KEYSTORE_FILE = "secrets.json"
LOCK_FILE = "secrets.lock"


def _read(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JSON object")
    return {str(k): str(v) for k, v in data.items()}


def _write(path: Path, data: dict[str, str]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secrets-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _random_secret() -> str:
    return secrets.token_urlsafe(48)


def load_or_create(
    directory: Path,
    names: tuple[str, ...],
    generators: Mapping[str, Callable[[], str]] | None = None,
) -> dict[str, str]:
    """Return a secret for each name, generating the missing ones exactly once.

    A name without a generator gets 48 random bytes (URL-safe base64).
    """
    generators = generators or {}
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")
    path = directory / KEYSTORE_FILE
    stored = _read(path)
    if all(name in stored for name in names):
        return stored
    with (directory / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = _read(path)
        missing = [name for name in names if name not in stored]
        if missing:
            stored.update({name: generators.get(name, _random_secret)() for name in missing})
            _write(path, stored)
        return stored
