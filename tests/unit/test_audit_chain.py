"""The audit keys, the chain walk and the heads file, without a database."""

import base64
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.audit import AuditEvent
from app.core.audit_chain import GENESIS, BreakKind, ChainWalk, event_digest, published_heads
from app.core.audit_heads import Head, PublishedHead, read_published
from app.core.audit_keys import AuditKeys, generate_audit_keys

KEYS = AuditKeys(generate_audit_keys())
AT = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def chain(count: int) -> list[AuditEvent]:
    """`count` events sealed in memory under KEYS."""
    events, previous = [], GENESIS
    for seq in range(1, count + 1):
        event = AuditEvent(
            id=uuid.uuid4(),
            occurred_at=AT,
            action="user.update",
            outcome="success",
            changed_fields=[],
            seal_seq=seq,
            seal_kid=KEYS.current_kid,
            sealed_at=AT,
        )
        event.chain_hash = previous = event_digest(KEYS, previous, event)
        events.append(event)
    return events


def walk(events: list[AuditEvent], heads: dict[int, Head] | None = None) -> ChainWalk:
    walker = ChainWalk(KEYS, heads or {})
    for event in events:
        assert walker.step(event) is None
    return walker


class TestAuditKeys:
    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("", "not usable"),
            ('{"keys": []}', "not usable"),
            ('{"keys": [{"kid": "a", "k": "not base64!"}]}', "not usable"),
            ('{"keys": [{"kid": "a", "k": "' + base64.b64encode(b"x" * 31).decode() + '"}]}', "32"),
            ('{"keys": [{"kid": "' + "k" * 33 + '", "k": "' + "A" * 44 + '"}]}', "1 to 32"),
            (
                '{"keys": [{"kid": "a", "k": "'
                + "A" * 44
                + '"}, {"kid": "a", "k": "'
                + "B" * 44
                + '"}]}',
                "unique",
            ),
        ],
    )
    def test_unusable_keys_are_refused(self, value: str, reason: str) -> None:
        with pytest.raises(ValueError, match=reason):
            AuditKeys(value)

    def test_the_first_key_is_current_and_every_key_verifies(self) -> None:
        old = json.loads(generate_audit_keys())["keys"][0]
        new = json.loads(generate_audit_keys())["keys"][0]
        keys = AuditKeys(json.dumps({"keys": [new, old]}))
        alone = AuditKeys(json.dumps({"keys": [old]}))

        assert keys.current_kid == new["kid"]
        assert keys.mac(old["kid"], b"m") == alone.mac(old["kid"], b"m")
        assert keys.mac(new["kid"], b"m") != keys.mac(old["kid"], b"m")
        signature = alone.sign(old["kid"], b"head")
        assert keys.signature_valid(old["kid"], b"head", signature)
        assert not keys.signature_valid(new["kid"], b"head", signature)
        assert not keys.signature_valid(old["kid"], b"other head", signature)
        assert not keys.signature_valid("unknown", b"head", signature)
        assert [k["kid"] for k in keys.public_jwks()["keys"]] == [new["kid"], old["kid"]]


class TestChainWalk:
    def test_an_intact_chain_ends_at_its_head(self) -> None:
        events = chain(3)
        walker = walk(events)

        assert walker.finish(3, events[-1].chain_hash or "") is None
        assert (walker.checked, walker.legacy) == (3, 0)

    def test_a_duplicate_sequence_number_is_found(self) -> None:
        events = chain(3)
        copy = AuditEvent(
            **{c.key: getattr(events[1], c.key) for c in AuditEvent.__table__.c if c.key != "id"},
            id=uuid.uuid4(),
        )
        walker = walk(events[:2])

        broken = walker.step(copy)

        assert broken is not None
        assert (broken.kind, broken.seq, broken.event_id) == (BreakKind.duplicate, 2, str(copy.id))

    def test_a_published_head_past_the_end_is_found(self) -> None:
        events = chain(3)
        head = Head(5, "a" * 64, KEYS.current_kid, AT)
        walker = walk(events, {5: head})

        broken = walker.finish(3, events[-1].chain_hash or "")

        assert broken is not None
        assert (broken.kind, broken.seq) == (BreakKind.published_head_missing, 5)


class TestHeadsFile:
    def test_lines_that_are_no_signed_head_are_reported_by_number(self, tmp_path: Path) -> None:
        head = Head(1, "a" * 64, KEYS.current_kid, AT)
        other = AuditKeys(generate_audit_keys())
        path = tmp_path / "heads.jsonl"
        lines = [
            json.dumps(head.signed(KEYS)),
            "",
            "not json",
            json.dumps({**head.signed(KEYS), "seq": 2}),
            json.dumps(Head(3, "b" * 64, other.current_kid, AT).signed(other)),
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

        published = read_published(path, KEYS)

        assert published == [
            PublishedHead(1, head),
            PublishedHead(3, None),
            PublishedHead(4, None),
            PublishedHead(5, None),
        ]
        heads, broken = published_heads(published)
        assert heads == {1: head}
        assert broken is not None
        assert broken.detail == "line 3 of the heads file is not a head signed by an audit key"

    def test_two_heads_for_one_seal_contradict_each_other(self) -> None:
        first = Head(1, "a" * 64, KEYS.current_kid, AT)
        second = Head(1, "b" * 64, KEYS.current_kid, AT)

        _, broken = published_heads([PublishedHead(1, first), PublishedHead(2, second)])

        assert broken is not None
        assert broken.kind is BreakKind.published_head_invalid
        assert broken.detail == "line 2 of the heads file contradicts an earlier head of seal 1"
