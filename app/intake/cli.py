"""`sanzhu intake rekey`: re-encrypt the ID numbers of discovery reports after a key
rotation (run it with `sanzhu ledger rekey`)."""

import typer

from app.core.commands import settings_or_exit, with_services
from app.intake.reports.rekey import rekey_report_id_numbers

cli = typer.Typer(
    name="intake", help="Intake: applications, reports, visits.", no_args_is_help=True
)


@cli.command("rekey")
def intake_rekey() -> None:
    """Re-encrypt discovery reports' ID numbers under the first key of SANZHU_FIELD_KEYS."""
    count = with_services(
        lambda services: rekey_report_id_numbers(services.database, services.vault)
    )
    current = settings_or_exit().id_number_vault().current_key_id
    typer.echo(f"{count} report ID numbers re-encrypted under key {current}")
