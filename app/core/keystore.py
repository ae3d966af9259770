"""Development secrets generated once into `./.sanzhu/` and shared by every process.

A fresh checkout must run without configuration, yet tokens, cursors and
encrypted fields must survive a restart and agree between workers. So a missing
secret is generated once and written atomically (link-or-read), never twice.
"""

import json
import os
import secrets
import tempfile
from pathlib import Path

KEYSTORE_FILE = "secrets.json"


def _read(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JSON object")
    return {str(k): str(v) for k, v in data.items()}


def _publish(path: Path, data: dict[str, str]) -> None:
    """Write `data` to `path` only if no other process wrote it first."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secrets-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)


def _replace(path: Path, data: dict[str, str]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secrets-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def load_or_create(directory: Path, names: tuple[str, ...]) -> dict[str, str]:
    """Return a secret for each name, generating the missing ones once.

    Concurrent first starts race on `os.link`, which fails for all but one
    writer; the losers read the winner's file, so every process agrees.
    """
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")
    path = directory / KEYSTORE_FILE
    if not path.exists():
        _publish(path, {name: secrets.token_urlsafe(48) for name in names})
    stored = _read(path)
    missing = [name for name in names if name not in stored]
    if missing:
        stored.update({name: secrets.token_urlsafe(48) for name in missing})
        _replace(path, stored)
        stored = _read(path)
    os.chmod(path, 0o600)
    return stored
