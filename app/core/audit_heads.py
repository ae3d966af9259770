"""The sealed heads of the audit chain, published outside the database.

Once a seal has committed, its head (the last sequence number and hash, the
key id and the time) is signed with the audit key's Ed25519 key and written
twice: as a structured log line (`audit_head_sealed`, for the log shipper) and
as one JSON line appended to a file (`SANZHU_AUDIT_HEADS_FILE`, opened in
append mode and synced). Someone who rewrites or cuts back the chain in the
database cannot take back a head already shipped: `sanzhu audit verify` checks
that the chain still holds every published head.
"""

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

from app.core.audit_keys import AuditKeys

logger = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Head:
    """The newest event of a seal: where the chain ended when it was sealed."""

    seq: int
    hash: str
    kid: str
    sealed_at: datetime

    def payload(self) -> bytes:
        """What the signature covers: the head as canonical JSON."""
        content = {
            "seq": self.seq,
            "hash": self.hash,
            "kid": self.kid,
            "sealed_at": self.sealed_at.isoformat(),
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()

    def signed(self, keys: AuditKeys) -> dict[str, Any]:
        return {**json.loads(self.payload()), "sig": keys.sign(self.kid, self.payload())}


@dataclass(frozen=True, slots=True)
class PublishedHead:
    """One line of a heads file: a head whose signature verifies, or None."""

    line: int
    head: Head | None


def _append(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode()
    # One write() on an O_APPEND descriptor: lines of concurrent sealers never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


async def publish(head: Head, keys: AuditKeys, path: Path) -> None:
    """Log the signed head, then append it to the heads file."""
    record = head.signed(keys)
    logger.info("audit_head_sealed", **record)
    await asyncio.to_thread(_append, path, record)


def _parse(text: str, keys: AuditKeys) -> Head | None:
    try:
        record = json.loads(text)
        head = Head(
            seq=record["seq"],
            hash=record["hash"],
            kid=record["kid"],
            sealed_at=datetime.fromisoformat(record["sealed_at"]),
        )
        signature = record["sig"]
    except (ValueError, KeyError, TypeError):
        return None
    if not (
        isinstance(head.seq, int)
        and isinstance(head.hash, str)
        and isinstance(head.kid, str)
        and isinstance(signature, str)
    ):
        return None
    return head if keys.signature_valid(head.kid, head.payload(), signature) else None


def read_published(path: Path, keys: AuditKeys) -> list[PublishedHead]:
    """Every non-empty line of a heads file, each with its head if its signature verifies."""
    with path.open(encoding="utf-8", errors="replace") as lines:
        return [
            PublishedHead(number, _parse(text, keys))
            for number, text in enumerate(lines, start=1)
            if text.strip()
        ]
