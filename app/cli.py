"""The `sanzhu` command."""

import asyncio
import json
import os
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit, jobs
from app.core.config import ConfigurationError, Settings
from app.core.db import Database, utcnow
from app.core.errors import ValidationFailed
from app.core.logging import configure_logging
from app.core.metrics import MULTIPROC_ENV
from app.core.migrations import upgrade_head
from app.core.openapi import render_contract
from app.core.permissions import Role
from app.core.security import PasswordHasher
from app.core.services import Services, build_services
from app.demo import DEFAULT_DEMO_PASSWORD, demo_password, seed_demo
from app.demo_households import seed_demo_households
from app.dictionaries import service as dictionaries
from app.domains import ACCESS_HOOKS
from app.households.rekey import rekey_id_numbers
from app.identity import users
from app.identity.schemas import UserCreate
from app.upkeep import build_worker
from app.workdays import service as workdays
from app.workdays.schemas import CalendarYearIn

T = TypeVar("T")

cli = typer.Typer(
    pretty_exceptions_enable=False,
    help="Sanzhu (三助): assistance ledger for urban hardship households.",
    no_args_is_help=True,
)
calendar_cli = typer.Typer(help="Working-day calendar.", no_args_is_help=True)
dictionary_cli = typer.Typer(help="Code tables.", no_args_is_help=True)
jobs_cli = typer.Typer(help="Background jobs and dead letters.", no_args_is_help=True)
audit_cli = typer.Typer(help="The audit trail's hash chain.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")
cli.add_typer(calendar_cli, name="calendar")
cli.add_typer(dictionary_cli, name="dictionary")
cli.add_typer(jobs_cli, name="jobs")
ledger_cli = typer.Typer(help="The household ledger.", no_args_is_help=True)
cli.add_typer(ledger_cli, name="ledger")
console = Console()

CONTRACT_PATH = Path("openapi/openapi.json")


def _settings() -> Settings:
    try:
        settings = Settings()
        settings.check_production_ready()
    except (ConfigurationError, ValueError) as exc:
        typer.echo(f"sanzhu: {exc}".splitlines()[0], err=True)
        raise typer.Exit(2) from None
    return settings


def _parse(parser: Callable[[str], T], text: str, what: str) -> T:
    try:
        return parser(text)
    except ValueError:
        typer.echo(f"sanzhu: {text!r} is not {what}", err=True)
        raise typer.Exit(2) from None


def _in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction on the configured database."""

    async def run() -> T:
        database = Database(_settings())
        try:
            async with database.sessionmaker() as session, session.begin():
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(run())


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
) -> None:
    """Start the HTTP server (API docs at /docs)."""
    settings = _settings()
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
    )


@cli.command()
def migrate() -> None:
    """Upgrade the database to the latest schema (alembic upgrade head)."""
    upgrade_head(_settings().database_url)
    typer.echo("database is at the latest revision")


def _services(settings: Settings) -> Services:
    return build_services(settings, ACCESS_HOOKS)


async def _seed_demo_households(settings: Settings) -> int:
    services = _services(settings)
    try:
        return await seed_demo_households(services)
    finally:
        await services.database.dispose()


@cli.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo district, users and API clients (idempotent)."""
    settings = _settings()
    try:
        password = demo_password(settings)
    except ConfigurationError as exc:
        typer.echo(f"sanzhu: {exc}", err=True)
        raise typer.Exit(2) from None
    hasher = PasswordHasher(settings.password_hash_memory_kib)
    summary = _in_transaction(lambda session: seed_demo(session, hasher, password))
    households = asyncio.run(_seed_demo_households(settings))
    source = (
        "SANZHU_DEMO_PASSWORD" if settings.demo_password else f"the default {DEFAULT_DEMO_PASSWORD}"
    )
    typer.echo(
        f"demo data ready: {summary.regions} regions, {summary.organizations} organizations, "
        f"{summary.users} users and {summary.clients} API clients (password: {source}); "
        f"{households} new demo households"
    )


@cli.command("create-user")
def create_user_command(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    display_name: Annotated[str, typer.Option("--name", help="Display name.")] = "系统管理员",
    role: Annotated[Role, typer.Option(help="Role; the first user is an admin.")] = Role.admin,
    scope: Annotated[str | None, typer.Option(help="Scope region code, for region roles.")] = None,
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="SANZHU_NEW_USER_PASSWORD",
            help="Password (prompted).",
        ),
    ] = "",
) -> None:
    """Create a user (the first admin, typically)."""
    from app.core.audit import AuditContext
    from app.core.errors import AppError

    settings = _settings()
    data = _parse(
        lambda _: UserCreate(
            username=username,
            display_name=display_name,
            role=role,
            scope_region_code=scope,
            password=password,
        ),
        username,
        "a valid user (check the username, role and scope)",
    )
    context = AuditContext(actor="cli", role=None, address=None, user_agent="sanzhu create-user")
    hasher = PasswordHasher(settings.password_hash_memory_kib)
    try:
        user = _in_transaction(
            lambda session: users.create(
                session, context, hasher, data, min_length=settings.password_min_length
            )
        )
    except AppError as exc:
        detail = exc.extra.get("errors") or exc.code
        typer.echo(f"sanzhu: refused: {json.dumps(detail, ensure_ascii=False)}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"created {user.role} {user.username} ({user.id})")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; report the first event that no longer matches, and the sealing lag."""
    report = _in_transaction(audit.verify_chain)
    lag = (
        "none"
        if report.oldest_unsealed_at is None
        else str(utcnow() - report.oldest_unsealed_at).split(".")[0]
    )
    typer.echo(
        f"checked {report.checked} sealed events; {report.unsealed} not yet sealed (lag {lag})"
    )
    if report.first_broken_seq is not None:
        typer.echo(
            f"sanzhu: TAMPERED: event {report.first_broken_id} (seal {report.first_broken_seq}) no longer matches its seal",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo("chain intact")


@audit_cli.command("seal")
def audit_seal() -> None:
    """Seal pending audit events now (the worker does it every few seconds)."""
    sealed = _in_transaction(lambda session: audit.seal_pending(session, batch=100_000))
    typer.echo(f"sealed {sealed} events")


@cli.command("export-openapi")
def export_openapi(
    output: Annotated[Path, typer.Option(help="Where to write the contract.")] = CONTRACT_PATH,
    check: Annotated[bool, typer.Option(help="Only check that the file is current.")] = False,
) -> None:
    """Write (or --check) the OpenAPI contract generated from the app."""
    from app.main import create_app

    rendered = render_contract(create_app(_settings()))
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
    settings = _settings()
    configure_logging(settings.log_level, json=settings.log_json)

    async def run() -> None:
        database = Database(settings)
        stop = asyncio.Event()
        try:
            await build_worker(database, settings).run(stop)
        finally:
            await database.dispose()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        typer.echo("worker stopped")


@cli.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Screening file, CSV or XLSX.")
    ],
    user: Annotated[str, typer.Option("--as", help="The staff member the import is made as.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Import even if the same file was imported.")
    ] = False,
    encoding: Annotated[str, typer.Option(help="CSV encoding: auto, utf-8 or gb18030.")] = "auto",
) -> None:
    """Import a screening file (摸排) now, as a staff member, with the checks of an upload."""
    from app.imports import local
    from app.imports.errors import ImportDuplicate

    settings = _settings()

    async def run() -> str:
        services = _services(settings)
        try:
            queued = await local.queue_file(
                services, file, user, dry_run=dry_run, force=force, encoding=encoding
            )
            done = await local.run_now(services.database, settings, queued.id)
        finally:
            await services.database.dispose()
        if done.failure_code:
            return f"import {done.id} failed: {done.failure_code} ({done.failure_message})"
        return (
            f"import {done.id} {done.status}: {done.rows_done} rows, "
            f"{done.households_imported} households imported, {done.households_failed} failed, "
            f"{done.errors_count} errors (GET /api/v1/imports/{done.id}/errors)"
        )

    try:
        typer.echo(asyncio.run(run()))
    except local.UnknownUser:
        typer.echo(f"sanzhu: no active user {user!r} who may import", err=True)
        raise typer.Exit(2) from None
    except ImportDuplicate as exc:
        typer.echo(f"sanzhu: already imported by import {exc.extra['import_id']}", err=True)
        raise typer.Exit(1) from None
    except ValidationFailed as exc:
        typer.echo(f"sanzhu: {exc.extra['errors'][0]['msg']}", err=True)
        raise typer.Exit(2) from None


@calendar_cli.command("load-year")
def calendar_load_year(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="JSON: {year, source, holidays: [{date, name}], working_days: [...]}",
        ),
    ],
) -> None:
    """Load a whole year's holidays and exchanged working days in one step."""
    try:
        data = CalendarYearIn.model_validate_json(file.read_bytes())
    except ValueError as exc:
        typer.echo(f"sanzhu: {file} is not a valid calendar year: {exc}", err=True)
        raise typer.Exit(2) from None
    _in_transaction(lambda session: workdays.load_year(session, data))
    typer.echo(
        f"calendar {data.year} loaded: {len(data.holidays)} holidays, {len(data.working_days)} exchanged working days"
    )


@calendar_cli.command("set-day")
def calendar_set_day(
    day: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    working: Annotated[bool, typer.Option("--working/--holiday", help="Working day or day off.")],
    name: Annotated[str | None, typer.Option(help="Holiday name.")] = None,
) -> None:
    """Correct a single day."""
    parsed = _parse(date.fromisoformat, day, "a date (YYYY-MM-DD)")
    _in_transaction(
        lambda session: workdays.set_day(session, parsed, is_working_day=working, name=name)
    )
    typer.echo(f"{parsed} is now a {'working day' if working else 'day off'}")


@dictionary_cli.command("add")
def dictionary_add(
    table: Annotated[str, typer.Argument(help="An extensible code table, e.g. hardship_cause.")],
    code: Annotated[str, typer.Argument(help="New lower_snake_case code.")],
    zh: Annotated[str, typer.Option("--zh", help="Chinese label.")],
    en: Annotated[str, typer.Option("--en", help="English label.")],
) -> None:
    """Add a code to an extensible code table."""
    from app.core.errors import AppError

    try:
        _in_transaction(lambda session: dictionaries.add_code(session, table, code, zh, en))
    except AppError as exc:
        detail = exc.extra.get("errors") or exc.code
        typer.echo(f"sanzhu: refused: {json.dumps(detail, ensure_ascii=False)}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"added {table}.{code}")


@jobs_cli.command("list")
def jobs_list(
    status: Annotated[
        jobs.JobStatus | None, typer.Option(help="Only jobs with this status.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """List jobs, newest first (dead letters with `--status dead`)."""

    async def fetch(session: AsyncSession) -> list[jobs.Job]:
        stmt = select(jobs.Job).order_by(jobs.Job.created_at.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(jobs.Job.status == status.value)
        return list((await session.execute(stmt)).scalars())

    table = Table("id", "kind", "status", "attempts", "run after", "last error")
    for job in _in_transaction(fetch):
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
    parsed = _parse(uuid.UUID, job_id, "a job id")
    if not _in_transaction(lambda session: jobs.retry_dead(session, parsed)):
        typer.echo("sanzhu: no dead job with that id", err=True)
        raise typer.Exit(1)
    typer.echo(f"job {parsed} queued again")


@ledger_cli.command("rekey")
def ledger_rekey() -> None:
    """Re-encrypt ID numbers under the first key of SANZHU_FIELD_KEYS (after a rotation)."""
    settings = _settings()

    async def run() -> int:
        database = Database(settings)
        try:
            return await rekey_id_numbers(database, settings.id_number_vault())
        finally:
            await database.dispose()

    count = asyncio.run(run())
    typer.echo(
        f"{count} ID numbers re-encrypted under key {settings.id_number_vault().current_key_id}"
    )


def main() -> None:
    cli()
