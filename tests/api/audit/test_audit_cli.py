"""`sanzhu audit seal` and `sanzhu audit verify` on a real database (synchronous: the CLI runs its own loop)."""

import asyncio
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from app.cli import cli
from app.core.audit import AuditEvent

SEEDED_EVENTS = 36
"""seed-demo: 10 users, 2 API clients and 12 demo households, one event each; in each street
4 households' incomes and 2 households' assessed target types, one event each."""


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
    assert runner.invoke(cli, ["seed-demo"]).exit_code == 0

    unsealed = runner.invoke(cli, ["audit", "verify"])
    sealed = runner.invoke(cli, ["audit", "seal"])
    intact = runner.invoke(cli, ["audit", "verify"])

    assert unsealed.exit_code == 0, unsealed.output
    assert unsealed.stdout.startswith(
        f"checked 0 sealed events; {SEEDED_EVENTS} not yet sealed (lag 0:00:0"
    )
    assert sealed.exit_code == 0, sealed.output
    assert sealed.stdout == f"sealed {SEEDED_EVENTS} events\n"
    assert intact.exit_code == 0, intact.output
    assert intact.stdout == (
        f"checked {SEEDED_EVENTS} sealed events; 0 not yet sealed (lag none)\nchain intact\n"
    )

    event_id = asyncio.run(_tamper(cli_env, 7))
    tampered = runner.invoke(cli, ["audit", "verify"])

    assert tampered.exit_code == 1, tampered.output
    assert "chain intact" not in tampered.stdout
    assert tampered.stdout == "checked 6 sealed events; 0 not yet sealed (lag none)\n"
    assert f"TAMPERED: event {event_id} (seal 7)" in tampered.stderr
