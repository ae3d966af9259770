"""`sanzhu audit seal` and `sanzhu audit verify` on a real database (synchronous: the CLI runs its own loop)."""

import asyncio
import json
from pathlib import Path
from unittest.mock import ANY

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from app.cli import cli
from app.core.audit import AuditEvent, AuditSealState
from app.core.keystore import KEYSTORE_FILE

SEEDED_EVENTS = 220
"""seed-demo: 11 users, 2 API clients and 12 demo households, one event each (25); each
household's incomes, expenditures, assets, plan and pairing (60); 12 measures given; in each
street 2 households' assessed target types, its authorisation document, and one household's
exit proposed, confirmed and its pairing ended (12); in 双龙湖街道 the confidentiality
agreement, the social worker's acknowledgement and 3 assignments (5); the pending transfer
request (1); 9 applications, each with its household's creation, its needs and its filing
(27), their 21 steps, 6 households admitted and 2 declined (56); 3 policy versions created
and 2 of them published (5); 2 assessments (2)."""


async def _tamper(url: str, seq: int) -> str:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            event_id = (
                await connection.execute(select(AuditEvent.id).where(AuditEvent.seal_seq == seq))
            ).scalar_one()
            await connection.execute(
                update(AuditEvent).where(AuditEvent.seal_seq == seq).values(action="user.read")
            )
    finally:
        await engine.dispose()
    return str(event_id)


def test_seal_then_verify_reports_an_intact_chain_and_then_the_tampered_event(
    cli_env: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    heads = tmp_path / "state" / "audit-heads.jsonl"
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0

    unsealed = runner.invoke(cli, ["audit", "verify"])
    sealed = runner.invoke(cli, ["audit", "seal"])
    intact = runner.invoke(cli, ["audit", "verify"])

    assert unsealed.exit_code == 0, unsealed.output
    assert unsealed.stdout.startswith(
        f"checked 0 sealed events (0 legacy); {SEEDED_EVENTS} not yet sealed (lag 0:00:0"
    )
    assert unsealed.stdout.endswith(
        f"recorded head: seal 0\npublished heads: none at {heads}\nchain intact\n"
    )
    assert sealed.exit_code == 0, sealed.output
    assert sealed.stdout == f"sealed {SEEDED_EVENTS} events\n"
    assert [json.loads(line)["seq"] for line in heads.read_text().splitlines()] == [SEEDED_EVENTS]
    assert intact.exit_code == 0, intact.output
    assert intact.stdout == (
        f"checked {SEEDED_EVENTS} sealed events (0 legacy); 0 not yet sealed (lag none)\n"
        f"recorded head: seal {SEEDED_EVENTS}\npublished heads: 1 in {heads}\nchain intact\n"
    )

    event_id = asyncio.run(_tamper(cli_env, 7))
    tampered = runner.invoke(cli, ["audit", "verify"])

    assert tampered.exit_code == 1, tampered.output
    assert "chain intact" not in tampered.stdout
    assert tampered.stdout.startswith("checked 6 sealed events (0 legacy); 0 not yet sealed")
    assert f"TAMPERED: event {event_id} (seal 7) no longer matches its seal" in tampered.stderr


async def _cut_back(url: str, keep: int) -> None:
    """Delete the sealed events after `keep` and move the recorded head back to what is left."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            last_hash = (
                await connection.execute(
                    select(AuditEvent.chain_hash).where(AuditEvent.seal_seq == keep)
                )
            ).scalar_one()
            await connection.execute(delete(AuditEvent).where(AuditEvent.seal_seq > keep))
            await connection.execute(
                update(AuditSealState).values(last_seq=keep, last_hash=last_hash)
            )
    finally:
        await engine.dispose()


def test_verify_finds_a_cut_back_chain_against_the_published_heads(
    cli_env: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    shipped = tmp_path / "shipped.jsonl"
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0
    assert runner.invoke(cli, ["audit", "seal"]).exit_code == 0
    shipped.write_bytes((tmp_path / "state" / "audit-heads.jsonl").read_bytes())

    asyncio.run(_cut_back(cli_env, SEEDED_EVENTS - 5))
    (tmp_path / "state" / "audit-heads.jsonl").unlink()
    unnoticed = runner.invoke(cli, ["audit", "verify"])
    found = runner.invoke(cli, ["audit", "verify", "--heads", str(shipped)])
    missing = runner.invoke(cli, ["audit", "verify", "--heads", str(tmp_path / "nowhere")])

    assert unnoticed.exit_code == 0, "without the published heads, a cut-back chain is consistent"
    assert found.exit_code == 1, found.output
    assert f"published heads: 1 in {shipped}" in found.stdout
    assert found.stderr == (
        f"sanzhu: TAMPERED: seal {SEEDED_EVENTS} was published but the chain ends at seal "
        f"{SEEDED_EVENTS - 5}: the chain was cut back\n"
    )
    assert missing.exit_code == 2
    assert missing.stderr == f"sanzhu: no heads file at {tmp_path / 'nowhere'}\n"


def test_public_keys_print_the_keys_that_verify_published_heads(
    cli_env: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["audit", "seal"]).exit_code == 0

    printed = runner.invoke(cli, ["audit", "public-keys"])

    assert printed.exit_code == 0, printed.output
    stored = json.loads((tmp_path / "state" / KEYSTORE_FILE).read_text(encoding="utf-8"))
    kid = json.loads(stored["audit_keys"])["keys"][0]["kid"]
    assert json.loads(printed.stdout)["keys"] == [
        {"kty": "OKP", "crv": "Ed25519", "x": ANY, "kid": kid, "use": "sig", "alg": "EdDSA"}
    ]
    assert stored["audit_keys"] not in printed.stdout
