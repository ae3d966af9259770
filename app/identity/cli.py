"""`sanzhu create-user`: the first admin, and users made outside the API."""

from typing import Annotated

import typer

from app.core.audit import AuditContext
from app.core.commands import in_transaction, parse_or_exit, refused, settings_or_exit
from app.core.errors import AppError
from app.core.permissions import Role
from app.core.security import PasswordHasher
from app.identity import users
from app.identity.schemas import UserCreate

cli = typer.Typer()


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
    settings = settings_or_exit()
    data = parse_or_exit(
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
    hasher = PasswordHasher(settings.password_hash_memory_kib, settings.password_hash_concurrency)
    try:
        user = in_transaction(
            lambda session: users.create(
                session, context, hasher, data, min_length=settings.password_min_length
            )
        )
    except AppError as exc:
        refused(exc)
    typer.echo(f"created {user.role} {user.username} ({user.id})")
