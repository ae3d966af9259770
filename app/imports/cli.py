"""`sanzhu import FILE --as USER`: import a screening file now, held to an upload's rules."""

from pathlib import Path
from typing import Annotated

import typer

from app.core.commands import with_services
from app.core.errors import ValidationFailed
from app.core.services import Services
from app.imports import local
from app.imports.errors import ImportDuplicate, ImportUnpackedTooLarge

cli = typer.Typer()


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

    async def run(services: Services) -> str:
        queued = await local.queue_file(
            services, file, user, dry_run=dry_run, force=force, encoding=encoding
        )
        done = await local.run_now(services, queued.id)
        if done.failure_code:
            return f"import {done.id} failed: {done.failure_code} ({done.failure_message})"
        kept = (
            f", the first {done.errors_stored} kept"
            if done.errors_stored < done.errors_count
            else ""
        )
        return (
            f"import {done.id} {done.status}: {done.rows_done} rows, "
            f"{done.households_imported} households imported, {done.households_failed} failed, "
            f"{done.errors_count} errors{kept} (GET /api/v1/imports/{done.id}/errors)"
        )

    try:
        typer.echo(with_services(run))
    except local.UnknownUser:
        typer.echo(f"sanzhu: no active user {user!r} who may import", err=True)
        raise typer.Exit(2) from None
    except ImportDuplicate as exc:
        typer.echo(f"sanzhu: already imported by import {exc.extra['import_id']}", err=True)
        raise typer.Exit(1) from None
    except ImportUnpackedTooLarge as exc:
        typer.echo(
            f"sanzhu: the workbook would unpack to more than {exc.extra['limit']} bytes, or a "
            f"part of it is compressed more than {exc.extra['max_ratio']}:1 ({exc.extra['reason']}); "
            "see SANZHU_IMPORT_MAX_UNPACKED_BYTES and SANZHU_IMPORT_MAX_COMPRESSION_RATIO",
            err=True,
        )
        raise typer.Exit(2) from None
    except ValidationFailed as exc:
        typer.echo(f"sanzhu: {exc.field_errors('en')[0].msg}", err=True)
        raise typer.Exit(2) from None
