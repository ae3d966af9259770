"""The `sanzhu` command: the app's own commands, and each domain's, from the domain list."""

import asyncio
import json
import os
import tempfile
import uuid
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from app.core import audit_chain, audit_heads, jobs
from app.core.audit_keys import AuditKeys
from app.core.commands import (
    in_transaction,
    parse_or_exit,
    settings_or_exit,
    use_access_hooks,
    with_services,
)
from app.core.config import ConfigurationError, Settings
from app.core.db import WriteSession, utcnow
from app.core.heap import start_up_frozen
from app.core.logging import configure_logging
from app.core.metrics import MULTIPROC_ENV
from app.core.migrations import upgrade_head
from app.core.openapi import render_contract
from app.core.services import Services
from app.demo import load
from app.demo.identity import DEFAULT_DEMO_PASSWORD, demo_password
from app.domains import ACCESS_HOOKS, DOMAINS, build_worker

cli = typer.Typer(
    pretty_exceptions_enable=False,
    help="Sanzhu (三助): assistance ledger for urban hardship households.",
    no_args_is_help=True,
)
jobs_cli = typer.Typer(help="Background jobs and dead letters.", no_args_is_help=True)
audit_cli = typer.Typer(help="The audit trail's hash chain.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")
cli.add_typer(jobs_cli, name="jobs")
console = Console()
use_access_hooks(ACCESS_HOOKS)

CONTRACT_PATH = Path("openapi/openapi.json")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    no_worker: Annotated[
        bool,
        typer.Option(
            "--no-worker", help="Do not run background jobs in the server (run `sanzhu worker`)."
        ),
    ] = False,
    healthcheck_seconds: Annotated[
        int | None,
        typer.Option(
            min=5,
            max=600,
            help="With --workers above 1: how long a server process may take to answer the "
            "parent's health check, start-up included, before it is replaced "
            "(default SANZHU_SERVER_HEALTHCHECK_SECONDS, 60).",
        ),
    ] = None,
) -> None:
    """Start the HTTP server (API docs at /docs)."""
    settings = settings_or_exit()
    if no_worker:
        os.environ["SANZHU_RUN_WORKER_IN_PROCESS"] = "false"
    if workers > 1 and not os.environ.get(MULTIPROC_ENV):
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="sanzhu-metrics-")
    configure_logging(settings.log_level, json=settings.log_json)
    console.print(f"Sanzhu API docs: http://{host}:{port}/docs", highlight=False)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        access_log=False,
        log_config=None,
        server_header=False,
        timeout_worker_healthcheck=healthcheck_seconds or settings.server_healthcheck_seconds,
    )


@cli.command()
def migrate() -> None:
    """Upgrade the database to the latest schema (alembic upgrade head)."""
    upgrade_head(settings_or_exit().database_url)
    typer.echo("database is at the latest revision")


@cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo district, users, API clients and ledger (idempotent)."""
    settings = settings_or_exit()
    try:
        password = demo_password(settings)
    except ConfigurationError as exc:
        typer.echo(f"sanzhu: {exc}", err=True)
        raise typer.Exit(2) from None
    added = with_services(lambda services: load(services, password, DOMAINS))
    source = (
        "SANZHU_DEMO_PASSWORD" if settings.demo_password else f"the default {DEFAULT_DEMO_PASSWORD}"
    )
    typer.echo(f"demo data ready: {', '.join(added)} (password: {source})")


def _audit_keys_or_exit(settings: Settings) -> AuditKeys:
    try:
        return settings.audit_keyring()
    except ValueError as exc:
        typer.echo(f"sanzhu: SANZHU_AUDIT_KEYS is not usable ({exc})", err=True)
        raise typer.Exit(2) from None


@audit_cli.command("verify")
def audit_verify(
    heads: Annotated[
        Path | None,
        typer.Option(
            help="Published heads to check the chain against; default SANZHU_AUDIT_HEADS_FILE."
        ),
    ] = None,
) -> None:
    """Walk the hash chain and check it against its recorded and published heads; report the
    first break, and the sealing lag."""
    settings = settings_or_exit()
    keys = _audit_keys_or_exit(settings)
    path = heads or settings.audit_heads_path
    if heads is not None and not heads.is_file():
        typer.echo(f"sanzhu: no heads file at {heads}", err=True)
        raise typer.Exit(2)
    published = audit_heads.read_published(path, keys) if path.is_file() else None
    report = in_transaction(
        lambda session: audit_chain.verify_chain(session, keys, published=published)
    )
    lag = (
        "none"
        if report.oldest_unsealed_at is None
        else str(utcnow() - report.oldest_unsealed_at).split(".")[0]
    )
    typer.echo(
        f"checked {report.checked} sealed events ({report.legacy} legacy); "
        f"{report.unsealed} not yet sealed (lag {lag})"
    )
    typer.echo(f"recorded head: seal {report.head_seq}")
    typer.echo(
        f"published heads: none at {path}"
        if report.published is None
        else f"published heads: {report.published} in {path}"
    )
    if report.broken is not None:
        typer.echo(f"sanzhu: TAMPERED: {report.broken.detail}", err=True)
        raise typer.Exit(1)
    typer.echo("chain intact")


@audit_cli.command("seal")
def audit_seal() -> None:
    """Seal pending audit events now and publish the head (the worker does it every few seconds)."""
    settings = settings_or_exit()
    configure_logging(settings.log_level, json=settings.log_json)
    sealed = with_services(
        lambda services: audit_chain.seal(
            services.database,
            services.audit_keys,
            services.settings.audit_heads_path,
            batch=100_000,
        )
    )
    typer.echo(f"sealed {sealed} events")


@audit_cli.command("public-keys")
def audit_public_keys() -> None:
    """Print the Ed25519 public keys (JWKS) that verify the published heads."""
    typer.echo(json.dumps(_audit_keys_or_exit(settings_or_exit()).public_jwks(), indent=2))


@cli.command("export-openapi")
def export_openapi(
    output: Annotated[Path, typer.Option(help="Where to write the contract.")] = CONTRACT_PATH,
    check: Annotated[bool, typer.Option(help="Only check that the file is current.")] = False,
) -> None:
    """Write (or --check) the OpenAPI contract generated from the app."""
    from app.main import create_app

    rendered = render_contract(create_app(settings_or_exit()))
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != rendered:
            typer.echo(f"{output} is out of date: run `sanzhu export-openapi`", err=True)
            raise typer.Exit(1)
        typer.echo(f"{output} is current")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(rendered, encoding="utf-8")
    typer.echo(f"wrote {output}")


@cli.command()
def worker() -> None:
    """Run background jobs until interrupted."""
    settings = settings_or_exit()
    configure_logging(settings.log_level, json=settings.log_json)

    async def run(services: Services) -> None:
        with start_up_frozen():
            await build_worker(services).run(asyncio.Event())

    try:
        with_services(run)
    except KeyboardInterrupt:
        typer.echo("worker stopped")


@jobs_cli.command("list")
def jobs_list(
    status: Annotated[
        jobs.JobStatus | None, typer.Option(help="Only jobs with this status.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """List jobs, newest first (dead letters with `--status dead`)."""

    async def fetch(session: WriteSession) -> list[jobs.Job]:
        stmt = select(jobs.Job).order_by(jobs.Job.created_at.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(jobs.Job.status == status.value)
        return list((await session.execute(stmt)).scalars())

    table = Table("id", "kind", "status", "attempts", "run after", "last error")
    for job in in_transaction(fetch):
        table.add_row(
            str(job.id),
            job.kind,
            job.status,
            str(job.attempts),
            job.run_after.isoformat(),
            (job.last_error or "")[:80],
        )
    console.print(table)


@jobs_cli.command("retry")
def jobs_retry(job_id: Annotated[str, typer.Argument(help="Id of a dead job.")]) -> None:
    """Give a dead job a fresh set of attempts."""
    parsed = parse_or_exit(uuid.UUID, job_id, "a job id")
    if not in_transaction(lambda session: jobs.retry_dead(session, parsed)):
        typer.echo("sanzhu: no dead job with that id", err=True)
        raise typer.Exit(1)
    typer.echo(f"job {parsed} queued again")


for _domain in DOMAINS:
    if _domain.cli is not None:
        cli.add_typer(_domain.cli)


def main() -> None:
    cli()
