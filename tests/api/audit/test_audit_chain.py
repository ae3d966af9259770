"""The keyed audit chain against an attacker who can write the database but holds no audit key
(issue 12, defect 10): recomputed hashes, a cut-back tail, gaps, keys, rotation, published
heads and the events sealed before the chain was keyed."""

import base64
import json
import logging
import secrets
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import FastAPI
from sqlalchemy import delete, select, update

from app.core import audit_chain
from app.core.audit import AuditContext, AuditEvent, AuditOutcome, AuditSealState, record_now
from app.core.audit_chain import BreakKind, ChainReport, event_digest, verify_chain
from app.core.audit_heads import read_published
from app.core.audit_keys import AuditKeys, generate_audit_keys
from app.core.db import Database, utcnow
from app.domains import build_worker
from tests.api.audit.chain import heads_file, legacy_digest, seal, services_of, verify

pytestmark = pytest.mark.usefixtures("demo")
CONTEXT = AuditContext(actor="user:x", role="admin", address="10.0.0.9", user_agent="test")


async def add_events(database: Database, count: int) -> None:
    for _ in range(count):
        await record_now(database, CONTEXT, "user.update", outcome=AuditOutcome.success)


async def sealed(database: Database) -> list[AuditEvent]:
    async with database.sessionmaker() as session:
        query = select(AuditEvent).where(AuditEvent.seal_seq.is_not(None))
        return list((await session.execute(query.order_by(AuditEvent.seal_seq))).scalars())


async def sealed_chain(app: FastAPI, database: Database, extra: int = 5) -> list[AuditEvent]:
    """The demo's events and `extra` more, sealed; the chain verifies."""
    await add_events(database, extra)
    await seal(app)
    report = await verify(app)
    assert report.broken is None
    events = await sealed(database)
    assert report.checked == len(events) >= extra
    return events


async def rewrite_from(
    database: Database, first_seq: int, rehash: Any, *, edit: dict[str, Any] | None = None
) -> None:
    """The attacker: change event `first_seq`, recompute every later hash with `rehash(previous,
    event)` (may also change its key id) and move the recorded head along."""
    async with database.sessionmaker() as session, session.begin():
        events = (await session.execute(select(AuditEvent).order_by(AuditEvent.seal_seq))).scalars()
        previous = audit_chain.GENESIS
        for event in events:
            if event.seal_seq is None:
                continue
            if event.seal_seq >= first_seq:
                if event.seal_seq == first_seq:
                    for name, value in (edit or {}).items():
                        setattr(event, name, value)
                event.chain_hash = rehash(previous, event)
            previous = event.chain_hash
        await session.execute(update(AuditSealState).values(last_hash=previous))


def as_legacy(previous: str, event: AuditEvent) -> str:
    event.seal_kid = None
    return legacy_digest(previous, event)


async def check(app: FastAPI, keys: AuditKeys, *, published: bool = True) -> ChainReport:
    """`verify`, with keys other than the app's."""
    path = heads_file(app)
    heads = read_published(path, keys) if published and path.exists() else None
    async with services_of(app).database.sessionmaker() as session, session.begin():
        return await verify_chain(session, keys, published=heads)


def unpadded_b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def keyset(*keys: tuple[str, bytes]) -> AuditKeys:
    entries = [{"kid": kid, "k": base64.b64encode(secret).decode()} for kid, secret in keys]
    return AuditKeys(json.dumps({"keys": entries}))


class TestRecomputedChain:
    async def test_an_edit_with_every_later_hash_recomputed_in_plain_sha256_is_found(
        self, app: FastAPI, database: Database
    ) -> None:
        """The attack of the issue: on plain SHA-256 it left a chain that verified."""
        events = await sealed_chain(app, database)
        victim = events[3]

        await rewrite_from(database, 4, legacy_digest, edit={"action": "user.read"})
        report = await verify(app, published=False)

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.altered, 4)
        assert report.broken.event_id == str(victim.id)
        assert report.broken.detail == (
            f"event {victim.id} (seal 4) no longer matches its seal under audit key "
            f"{victim.seal_kid!r}"
        )
        assert report.checked == 3

    async def test_an_edit_with_the_tail_recomputed_as_legacy_seals_is_found(
        self, app: FastAPI, database: Database
    ) -> None:
        events = await sealed_chain(app, database)

        await rewrite_from(database, 4, as_legacy, edit={"outcome": "failed"})
        report = await verify(app, published=False)

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.legacy_after_keyed, 4)
        assert report.broken.event_id == str(events[3].id)

    async def test_the_whole_chain_rewritten_as_legacy_seals_is_found_by_the_published_head(
        self, app: FastAPI, database: Database
    ) -> None:
        """A downgrade of every seal needs no key; the head published outside gives it away."""
        events = await sealed_chain(app, database)

        await rewrite_from(database, 1, as_legacy, edit={"actor": None})
        report = await verify(app)

        assert report.broken is not None
        assert report.broken.kind is BreakKind.published_head_mismatch
        assert report.broken.seq == len(events)
        assert report.broken.event_id == str(events[-1].id)
        assert report.published == 1

    async def test_an_edit_with_the_tail_recomputed_under_a_guessed_key_is_found(
        self, app: FastAPI, database: Database
    ) -> None:
        events = await sealed_chain(app, database)
        kid = services_of(app).audit_keys.current_kid
        guessed = keyset((kid, secrets.token_bytes(32)))

        await rewrite_from(
            database,
            2,
            lambda previous, event: event_digest(guessed, previous, event),
            edit={"address": "10.6.6.6"},
        )
        report = await verify(app)

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.altered, 2)
        assert report.broken.event_id == str(events[1].id)


class TestWalk:
    async def test_the_walk_pages_through_the_chain_and_finds_a_gap_at_a_page_edge(
        self, app: FastAPI, database: Database
    ) -> None:
        events = await sealed_chain(app, database, extra=7)
        keys = services_of(app).audit_keys

        async with database.sessionmaker() as session, session.begin():
            intact = await verify_chain(session, keys, chunk=3)
            await session.execute(delete(AuditEvent).where(AuditEvent.seal_seq == 7))
        async with database.sessionmaker() as session, session.begin():
            gap = await verify_chain(session, keys, chunk=3)

        assert intact.broken is None
        assert intact.checked == len(events)
        assert gap.broken is not None
        assert (gap.broken.kind, gap.broken.seq) == (BreakKind.gap, 8)
        assert gap.checked == 6


class TestRecordedHead:
    async def test_deleting_the_newest_sealed_events_is_found(
        self, app: FastAPI, database: Database
    ) -> None:
        events = await sealed_chain(app, database)
        last = len(events)

        async with database.sessionmaker() as session, session.begin():
            await session.execute(delete(AuditEvent).where(AuditEvent.seal_seq > last - 3))
        report = await verify(app, published=False)

        assert report.broken is not None
        assert report.broken.kind is BreakKind.head_mismatch
        assert report.broken.detail == (
            f"the chain ends at seal {last - 3} but its recorded head is seal {last}: "
            "sealed events were deleted"
        )
        assert report.checked == last - 3
        assert report.head_seq == last

    async def test_a_recorded_head_that_does_not_match_the_last_event_is_found(
        self, app: FastAPI, database: Database
    ) -> None:
        events = await sealed_chain(app, database)

        async with database.sessionmaker() as session, session.begin():
            await session.execute(update(AuditSealState).values(last_hash="f" * 64))
        report = await verify(app, published=False)

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.head_mismatch, len(events))

    async def test_a_gap_in_the_sequence_is_found(self, app: FastAPI, database: Database) -> None:
        events = await sealed_chain(app, database)

        async with database.sessionmaker() as session, session.begin():
            await session.execute(
                update(AuditEvent)
                .where(AuditEvent.seal_seq >= 3)
                .values(seal_seq=AuditEvent.seal_seq + 1000)
            )
        report = await verify(app, published=False)

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.gap, 1003)
        assert report.broken.detail == (
            f"seal 3 expected but event {events[2].id} (seal 1003) follows: "
            "sealed events were removed"
        )


class TestPublishedHeads:
    async def test_each_seal_appends_a_signed_head_and_logs_it(
        self, app: FastAPI, database: Database, caplog: pytest.LogCaptureFixture
    ) -> None:
        keys = services_of(app).audit_keys
        caplog.set_level(logging.INFO, logger="app.core.audit_heads")
        first = await sealed_chain(app, database, extra=2)
        second = await sealed_chain(app, database, extra=3)
        assert await seal(app) == 0

        lines = heads_file(app).read_text(encoding="utf-8").splitlines()
        heads = [json.loads(line) for line in lines]
        assert [(h["seq"], h["hash"], h["kid"]) for h in heads] == [
            (len(first), first[-1].chain_hash, keys.current_kid),
            (len(second), second[-1].chain_hash, keys.current_kid),
        ]
        assert [h["sealed_at"] for h in heads] == [
            e.sealed_at.isoformat() for e in (first[-1], second[-1]) if e.sealed_at
        ]
        logged = [r.msg for r in caplog.records if r.name == "app.core.audit_heads"]
        assert [{k: line[k] for k in heads[0]} for line in logged] == heads
        assert {line["event"] for line in logged} == {"audit_head_sealed"}
        public = keys.public_jwks()["keys"][0]
        assert public["kid"] == keys.current_kid
        outsider = Ed25519PublicKey.from_public_bytes(unpadded_b64(public["x"]))
        for head in heads:
            signature = unpadded_b64(head.pop("sig"))
            payload = json.dumps(head, sort_keys=True, separators=(",", ":")).encode()
            outsider.verify(signature, payload)

    async def test_a_cut_back_tail_with_its_recorded_head_moved_is_found_from_outside(
        self, app: FastAPI, database: Database
    ) -> None:
        """Delete the newest seal's events and move the recorded head back to what is left:
        the database is consistent again, but the published head is gone from it."""
        kept = await sealed_chain(app, database)
        cut = await sealed_chain(app, database, extra=4)

        async with database.sessionmaker() as session, session.begin():
            await session.execute(delete(AuditEvent).where(AuditEvent.seal_seq > len(kept)))
            await session.execute(
                update(AuditSealState).values(last_seq=len(kept), last_hash=kept[-1].chain_hash)
            )
        inside = await verify(app, published=False)
        outside = await verify(app)

        assert inside.broken is None, "nothing in the database shows it"
        assert outside.broken is not None
        assert outside.broken.kind is BreakKind.published_head_missing
        assert outside.broken.detail == (
            f"seal {len(cut)} was published but the chain ends at seal {len(kept)}: "
            "the chain was cut back"
        )
        assert outside.published == 2

    async def test_a_forged_head_line_is_found(self, app: FastAPI, database: Database) -> None:
        events = await sealed_chain(app, database)
        path = heads_file(app)
        head = json.loads(path.read_text(encoding="utf-8"))
        forged = {**head, "seq": len(events) + 10}
        with path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(forged) + "\n")

        report = await verify(app)

        assert report.broken is not None
        assert report.broken.kind is BreakKind.published_head_invalid
        assert report.broken.detail == (
            "line 2 of the heads file is not a head signed by an audit key"
        )

    async def test_the_worker_seals_and_publishes(self, app: FastAPI, database: Database) -> None:
        await add_events(database, 2)
        worker = build_worker(services_of(app))

        await worker.run_upkeep(force=True)

        events = await sealed(database)
        head = json.loads(heads_file(app).read_text(encoding="utf-8"))
        assert (head["seq"], head["hash"]) == (len(events), events[-1].chain_hash)
        assert (await verify(app)).broken is None


class TestKeys:
    async def test_new_seals_record_the_current_key(self, app: FastAPI, database: Database) -> None:
        events = await sealed_chain(app, database)

        kid = services_of(app).audit_keys.current_kid
        assert {e.seal_kid for e in events} == {kid}
        assert all(e.sealed_at is not None for e in events)

    async def test_another_key_under_the_same_id_fails(
        self, app: FastAPI, database: Database
    ) -> None:
        events = await sealed_chain(app, database)
        kid = services_of(app).audit_keys.current_kid

        report = await check(app, keyset((kid, secrets.token_bytes(32))), published=False)

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.altered, 1)
        assert report.broken.event_id == str(events[0].id)

    async def test_a_key_that_is_not_configured_fails(
        self, app: FastAPI, database: Database
    ) -> None:
        await sealed_chain(app, database)
        kid = services_of(app).audit_keys.current_kid

        report = await check(app, keyset(("other", secrets.token_bytes(32))))

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.unknown_key, 1)
        assert f"sealed with audit key {kid!r}, which is not configured" in report.broken.detail

    async def test_after_a_rotation_old_and_new_seals_verify(
        self, app: FastAPI, database: Database
    ) -> None:
        old = json.loads(services_of(app).settings.audit_keys.get_secret_value())["keys"][0]
        new = json.loads(generate_audit_keys())["keys"][0]
        rotated = AuditKeys(json.dumps({"keys": [new, old]}))
        before = await sealed_chain(app, database)

        await add_events(database, 3)
        assert await audit_chain.seal(database, rotated, heads_file(app)) == 3
        report = await check(app, rotated)
        without_old = await check(app, AuditKeys(json.dumps({"keys": [new]})))

        events = await sealed(database)
        assert [e.seal_kid for e in events] == [old["kid"]] * len(before) + [new["kid"]] * 3
        assert report.broken is None
        assert report.checked == len(events)
        assert report.published == 2
        assert without_old.broken is not None
        assert (without_old.broken.kind, without_old.broken.seq) == (BreakKind.unknown_key, 1)


class TestLegacySeals:
    async def seal_as_before(self, database: Database) -> int:
        """Seal pending events as the code before 0009 did: plain SHA-256, no key id."""
        async with database.sessionmaker() as session, session.begin():
            pending = (
                await session.execute(
                    select(AuditEvent)
                    .where(AuditEvent.seal_seq.is_(None))
                    .order_by(AuditEvent.occurred_at, AuditEvent.id)
                )
            ).scalars()
            state = AuditSealState(id=1, last_seq=0, last_hash=audit_chain.GENESIS)
            session.add(state)
            for event in pending:
                state.last_seq += 1
                event.seal_seq = state.last_seq
                event.chain_hash = legacy_digest(state.last_hash, event)
                event.sealed_at = utcnow()
                state.last_hash = event.chain_hash
            return state.last_seq

    async def test_legacy_seals_verify_and_the_keyed_chain_extends_them(
        self, app: FastAPI, database: Database
    ) -> None:
        await add_events(database, 2)
        legacy = await self.seal_as_before(database)
        alone = await verify(app)

        await add_events(database, 3)
        await seal(app)
        extended = await verify(app)

        assert alone.broken is None
        assert (alone.checked, alone.legacy) == (legacy, legacy)
        assert extended.broken is None
        assert (extended.checked, extended.legacy) == (legacy + 3, legacy)
        assert extended.published == 1
        events = await sealed(database)
        assert [e.seal_kid is None for e in events] == [True] * legacy + [False] * 3

    async def test_an_edit_of_a_legacy_event_recomputed_up_to_the_keyed_seals_is_found(
        self, app: FastAPI, database: Database
    ) -> None:
        """Legacy hashes can be recomputed without a key, but the first keyed seal covers them."""
        await add_events(database, 2)
        legacy = await self.seal_as_before(database)
        await add_events(database, 3)
        await seal(app)

        async with database.sessionmaker() as session, session.begin():
            events = list(
                (await session.execute(select(AuditEvent).order_by(AuditEvent.seal_seq))).scalars()
            )
            events[1].action = "user.read"
            previous = audit_chain.GENESIS
            for event in events[:legacy]:
                event.chain_hash = legacy_digest(previous, event)
                previous = event.chain_hash
        report = await verify(app, published=False)

        assert report.broken is not None
        assert (report.broken.kind, report.broken.seq) == (BreakKind.altered, legacy + 1)
