"""Documents on disk, outside the database, each once under its SHA-256 (content addressing).

`<root>/<first two hex digits>/<sha256>`: the name is the content's hash, so the same bytes
uploaded twice (to one household or to two) are stored once, a file is never changed once
written, and a file whose bytes no longer match its name shows it. An upload streams into
`<root>/incoming/` first and is renamed into place when whole (a rename within one file
system is atomic), so a reader never sees half a file. A file written for a request whose
transaction then fails stays behind unnamed by any row; it is harmless (content-addressed,
never served without a row) and a later upload of the same bytes takes it over.
"""

import os
import uuid
from pathlib import Path

import anyio
import anyio.to_thread

_INCOMING = "incoming"


def incoming_path(root: Path) -> Path:
    """A fresh temporary path for an upload to stream into."""
    return root / _INCOMING / f"{uuid.uuid4().hex}.part"


def path_of(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def _place(part: Path, target: Path) -> None:
    if target.exists():
        part.unlink(missing_ok=True)
        return
    with part.open("rb") as file:
        os.fsync(file.fileno())
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(part, 0o440)
    os.replace(part, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


async def keep(root: Path, part: Path, sha256: str) -> Path:
    """Move a whole upload into place under its hash (or drop it: the bytes are there)."""
    target = path_of(root, sha256)
    await anyio.to_thread.run_sync(_place, part, target)
    return target


async def discard(part: Path) -> None:
    await anyio.Path(part).unlink(missing_ok=True)
