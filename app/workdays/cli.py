"""`sanzhu calendar`: load a year's holidays and exchanged working days, correct a day."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from app.core.commands import in_transaction, parse_or_exit
from app.workdays import service
from app.workdays.schemas import CalendarYearIn

cli = typer.Typer(name="calendar", help="Working-day calendar.", no_args_is_help=True)


@cli.command("load-year")
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
    in_transaction(lambda session: service.load_year(session, data))
    typer.echo(
        f"calendar {data.year} loaded: {len(data.holidays)} holidays, {len(data.working_days)} exchanged working days"
    )


@cli.command("set-day")
def calendar_set_day(
    day: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    working: Annotated[bool, typer.Option("--working/--holiday", help="Working day or day off.")],
    name: Annotated[str | None, typer.Option(help="Holiday name.")] = None,
) -> None:
    """Correct a single day."""
    parsed = parse_or_exit(date.fromisoformat, day, "a date (YYYY-MM-DD)")
    in_transaction(
        lambda session: service.set_day(session, parsed, is_working_day=working, name=name)
    )
    typer.echo(f"{parsed} is now a {'working day' if working else 'day off'}")
