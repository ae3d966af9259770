"""`sanzhu dictionary add`: extend a code table from the command line."""

from typing import Annotated

import typer

from app.core.commands import in_transaction, refused
from app.core.errors import AppError
from app.dictionaries import service

cli = typer.Typer(name="dictionary", help="Code tables.", no_args_is_help=True)


@cli.command("add")
def dictionary_add(
    table: Annotated[str, typer.Argument(help="An extensible code table, e.g. hardship_cause.")],
    code: Annotated[str, typer.Argument(help="New lower_snake_case code.")],
    zh: Annotated[str, typer.Option("--zh", help="Chinese label.")],
    en: Annotated[str, typer.Option("--en", help="English label.")],
) -> None:
    """Add a code to an extensible code table."""
    try:
        in_transaction(lambda session: service.add_code(session, table, code, zh, en))
    except AppError as exc:
        refused(exc)
    typer.echo(f"added {table}.{code}")
