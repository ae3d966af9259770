"""The audit chain: sealing events in order under a keyed hash, and verifying it.

The worker seals unsealed events in (time, id) order: each gets the next
sequence number and `HMAC-SHA256(audit key, previous hash + canonical event)`,
and records the id of the key (`seal_kid`), so verification picks the right
key and a rotation needs no re-sealing. Without the key nobody can recompute
the chain after changing an event. Events sealed before the chain was keyed
carry no key id and plain SHA-256 (legacy); they can only come before the
keyed ones, whose first seal covers their last hash.

The state row records the head (last sequence number and hash); each seal's
head is also published outside the database (`app.core.audit_heads`).
`verify_chain` walks the chain and reports the first break: an event that no
longer matches its seal, a gap or a duplicate in the sequence, a legacy seal
after keyed ones, a chain that does not end at the recorded head (events
deleted at the end), or a published head the chain no longer holds.
"""

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import func, select, tuple_

from app.core.audit import AuditEvent, AuditSealState
from app.core.audit_heads import Head, PublishedHead, publish
from app.core.audit_keys import AuditKeys
from app.core.db import Database, WriteSession, utcnow

GENESIS = "0" * 64
logger = structlog.get_logger(__name__)


def _canonical(previous: str, event: AuditEvent) -> bytes:
    content: dict[str, Any] = {
        "id": str(event.id),
        "occurred_at": event.occurred_at.isoformat(),
        "actor": event.actor,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "region_code": event.region_code,
        "request_id": event.request_id,
        "address": event.address,
        "user_agent": event.user_agent,
        "outcome": event.outcome,
        "changed_fields": list(event.changed_fields or []),
        "seal_seq": event.seal_seq,
    }
    if event.seal_kid is not None:
        # Keyed seals also bind the key id and the seal time (legacy ones never did).
        content["seal_kid"] = event.seal_kid
        content["sealed_at"] = event.sealed_at.isoformat() if event.sealed_at else None
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (previous + canonical).encode()


def event_digest(keys: AuditKeys, previous: str, event: AuditEvent) -> str:
    """The chain hash of `event` after `previous`: HMAC-SHA256 under the key it names,
    or plain SHA-256 for a legacy event (no key id); the key must be known."""
    message = _canonical(previous, event)
    if event.seal_kid is None:
        return hashlib.sha256(message).hexdigest()
    return keys.mac(event.seal_kid, message)


@dataclass(frozen=True, slots=True)
class Sealed:
    count: int
    head: Head | None


async def seal_pending(session: WriteSession, keys: AuditKeys, *, batch: int = 1000) -> Sealed:
    """Seal up to `batch` unsealed events in (time, id) order with the current audit key.

    The state row is locked first (FOR UPDATE on PostgreSQL; SQLite's write
    lock), so concurrent workers extend one chain, one after the other.
    """
    state_query = select(AuditSealState).where(AuditSealState.id == 1)
    if session.get_bind().dialect.name == "postgresql":
        state_query = state_query.with_for_update()
    state = (await session.execute(state_query)).scalar_one_or_none()
    if state is None:
        state = AuditSealState(id=1, last_seq=0, last_hash=GENESIS)
        session.add(state)
        await session.flush()
    pending = (
        (
            await session.execute(
                select(AuditEvent)
                .where(AuditEvent.seal_seq.is_(None))
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
                .limit(batch)
            )
        )
        .scalars()
        .all()
    )
    now = utcnow()
    for event in pending:
        state.last_seq += 1
        event.seal_seq = state.last_seq
        event.seal_kid = keys.current_kid
        event.sealed_at = now
        event.chain_hash = event_digest(keys, state.last_hash, event)
        state.last_hash = event.chain_hash
    await session.flush()
    if not pending:
        return Sealed(0, None)
    return Sealed(len(pending), Head(state.last_seq, state.last_hash, keys.current_kid, now))


async def seal(database: Database, keys: AuditKeys, heads_file: Path, *, batch: int = 1000) -> int:
    """Seal pending events in a transaction of their own, then publish the new head.

    The head is published only once the seal has committed, so every published
    head is in the database; a head lost to a crash here is covered by the next.
    """
    async with database.sessionmaker() as session, session.begin():
        sealed = await seal_pending(session, keys, batch=batch)
    if sealed.head is not None:
        try:
            await publish(sealed.head, keys, heads_file)
        except OSError:
            logger.exception("audit_head_not_published", seq=sealed.head.seq)
    return sealed.count


class BreakKind(StrEnum):
    altered = "altered"
    unknown_key = "unknown_key"
    gap = "gap"
    duplicate = "duplicate"
    legacy_after_keyed = "legacy_after_keyed"
    head_mismatch = "head_mismatch"
    published_head_mismatch = "published_head_mismatch"
    published_head_missing = "published_head_missing"
    published_head_invalid = "published_head_invalid"


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first thing found wrong; `detail` says it in one line."""

    kind: BreakKind
    detail: str
    seq: int | None = None
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChainReport:
    checked: int
    legacy: int
    head_seq: int
    published: int | None
    """Published heads checked; None when no heads file was given."""
    broken: ChainBreak | None
    unsealed: int
    oldest_unsealed_at: datetime | None


class ChainWalk:
    """Checks sealed events given in (sequence, id) order, one at a time."""

    def __init__(self, keys: AuditKeys, published: Mapping[int, Head]) -> None:
        self._keys = keys
        self._published = published
        self.previous = GENESIS
        self.last_seq = 0
        self.legacy = 0
        self._keyed = False

    @property
    def checked(self) -> int:
        return self.last_seq

    def step(self, event: AuditEvent) -> ChainBreak | None:
        """The break `event` shows, or None once it has extended the walk."""
        seq, kid = event.seal_seq or 0, event.seal_kid
        where = f"event {event.id} (seal {seq})"

        def broken(kind: BreakKind, detail: str) -> ChainBreak:
            return ChainBreak(kind, detail, seq, str(event.id))

        if seq == self.last_seq:
            return broken(BreakKind.duplicate, f"{where} repeats a sequence number already sealed")
        if seq != self.last_seq + 1:
            return broken(
                BreakKind.gap,
                f"seal {self.last_seq + 1} expected but {where} follows: sealed events were removed",
            )
        if kid is None and self._keyed:
            return broken(
                BreakKind.legacy_after_keyed,
                f"{where} claims a legacy unkeyed seal after keyed ones",
            )
        if kid is not None and not self._keys.knows(kid):
            return broken(
                BreakKind.unknown_key,
                f"{where} was sealed with audit key {kid!r}, which is not configured",
            )
        if event.chain_hash != event_digest(self._keys, self.previous, event):
            under = "plain SHA-256 (legacy)" if kid is None else f"audit key {kid!r}"
            return broken(BreakKind.altered, f"{where} no longer matches its seal under {under}")
        head = self._published.get(seq)
        if head is not None and (head.hash, head.kid) != (event.chain_hash, kid):
            return broken(
                BreakKind.published_head_mismatch,
                f"{where} is not the head published for seal {seq}: the chain was rewritten",
            )
        self.previous = event.chain_hash or GENESIS
        self.last_seq = seq
        self._keyed = self._keyed or kid is not None
        if kid is None:
            self.legacy += 1
        return None

    def finish(self, head_seq: int, head_hash: str) -> ChainBreak | None:
        """The break between the walked chain and its recorded and published heads."""
        if head_seq > self.last_seq:
            return ChainBreak(
                BreakKind.head_mismatch,
                f"the chain ends at seal {self.last_seq} but its recorded head is seal {head_seq}: "
                "sealed events were deleted",
                self.last_seq + 1,
            )
        if (head_seq, head_hash) != (self.last_seq, self.previous):
            return ChainBreak(
                BreakKind.head_mismatch,
                f"the chain ends at seal {self.last_seq}, which does not match its recorded head "
                f"(seal {head_seq})",
                self.last_seq,
            )
        beyond = max((seq for seq in self._published if seq > self.last_seq), default=None)
        if beyond is not None:
            return ChainBreak(
                BreakKind.published_head_missing,
                f"seal {beyond} was published but the chain ends at seal {self.last_seq}: "
                "the chain was cut back",
                beyond,
            )
        return None


def published_heads(lines: Iterable[PublishedHead]) -> tuple[dict[int, Head], ChainBreak | None]:
    """The published heads by sequence number, and the first line that is no signed head,
    or that contradicts another head."""
    heads: dict[int, Head] = {}
    for line in lines:
        head = line.head
        if head is None:
            return heads, ChainBreak(
                BreakKind.published_head_invalid,
                f"line {line.line} of the heads file is not a head signed by an audit key",
            )
        if heads.setdefault(head.seq, head) != head:
            return heads, ChainBreak(
                BreakKind.published_head_invalid,
                f"line {line.line} of the heads file contradicts an earlier head of seal {head.seq}",
                head.seq,
            )
    return heads, None


async def verify_chain(
    session: WriteSession,
    keys: AuditKeys,
    *,
    published: Sequence[PublishedHead] | None = None,
    chunk: int = 5000,
) -> ChainReport:
    """Walk the chain from the start; report the first break, checking the recorded head
    and every published head."""
    heads, invalid = published_heads(published or [])
    walk = ChainWalk(keys, heads)
    broken: ChainBreak | None = None
    after: tuple[int, uuid.UUID] | None = None
    while broken is None:
        query = select(AuditEvent).where(AuditEvent.seal_seq.is_not(None))
        if after is not None:
            query = query.where(tuple_(AuditEvent.seal_seq, AuditEvent.id) > after)
        query = query.order_by(AuditEvent.seal_seq, AuditEvent.id).limit(chunk)
        rows = (await session.execute(query)).scalars().all()
        if not rows:
            break
        broken = next(filter(None, map(walk.step, rows)), None)
        after = (rows[-1].seal_seq or 0, rows[-1].id)
    state = await session.get(AuditSealState, 1)
    if broken is None:
        head = (state.last_seq, state.last_hash) if state else (0, GENESIS)
        broken = walk.finish(*head) or invalid
    unsealed, oldest = (
        await session.execute(
            select(func.count(), func.min(AuditEvent.occurred_at)).where(
                AuditEvent.seal_seq.is_(None)
            )
        )
    ).one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=utcnow().tzinfo)
    return ChainReport(
        checked=walk.checked,
        legacy=walk.legacy,
        head_seq=state.last_seq if state else 0,
        published=None if published is None else len(heads),
        broken=broken,
        unsealed=int(unsealed),
        oldest_unsealed_at=oldest,
    )
