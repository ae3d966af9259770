"""`sanzhu ledger rekey`: re-encrypt ID numbers after a key rotation."""

import typer

from app.core.commands import settings_or_exit, with_services
from app.households.members.rekey import rekey_id_numbers

cli = typer.Typer(name="ledger", help="The household ledger.", no_args_is_help=True)


@cli.command("rekey")
def ledger_rekey() -> None:
    """Re-encrypt ID numbers under the first key of SANZHU_FIELD_KEYS (after a rotation)."""
    count = with_services(lambda services: rekey_id_numbers(services.database, services.vault))
    current = settings_or_exit().id_number_vault().current_key_id
    typer.echo(f"{count} ID numbers re-encrypted under key {current}")
