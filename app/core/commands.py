"""What every `sanzhu` command needs: settings, a transaction, the app's services, errors as exits."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer

from app.core.config import ConfigurationError, Settings
from app.core.db import Database, WriteSession
from app.core.errors import AppError
from app.core.services import AccessHooks, Services, build_services

T = TypeVar("T")


def settings_or_exit() -> Settings:
    """The settings, or exit 2 naming the first problem in one line."""
    try:
        settings = Settings()
        settings.check_production_ready()
    except (ConfigurationError, ValueError) as exc:
        typer.echo(f"sanzhu: {exc}".splitlines()[0], err=True)
        raise typer.Exit(2) from None
    return settings


def parse_or_exit(parser: Callable[[str], T], text: str, what: str) -> T:
    try:
        return parser(text)
    except ValueError:
        typer.echo(f"sanzhu: {text!r} is not {what}", err=True)
        raise typer.Exit(2) from None


def refused(exc: AppError) -> NoReturn:
    """Exit 2 with what the rules refused, as the API would report it."""
    detail = exc.members("en").get("errors") or exc.code
    typer.echo(f"sanzhu: refused: {json.dumps(detail, ensure_ascii=False)}", err=True)
    raise typer.Exit(2) from None


def in_transaction(work: Callable[[WriteSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction on the configured database."""

    async def run() -> T:
        database = Database(settings_or_exit())
        try:
            async with database.sessionmaker() as session, session.begin():
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(run())


_HOOKS: list[AccessHooks] = []


def use_access_hooks(hooks: AccessHooks) -> None:
    """What the composed app provides for authentication (the command line is composed once)."""
    _HOOKS[:] = [hooks]


def with_services(work: Callable[[Services], Awaitable[T]]) -> T:
    """Run `work` with the app's services on the configured database, then release them."""

    async def run() -> T:
        services = build_services(settings_or_exit(), _HOOKS[0])
        try:
            return await work(services)
        finally:
            await services.database.dispose()

    return asyncio.run(run())
