"""`sohoa web` (serve the staff web app) and `sohoa user add|list|disable|passwd` (accounts).

Passwords are read from stdin (`--password-stdin`), never from the command line, where they
would show in `ps` and the shell history."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from sohoa.settings import get_settings

EXIT_BAD_INPUT = 2

user_app = typer.Typer(no_args_is_help=True, help="Staff accounts of the web app.")


def web(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    proxy_headers: Annotated[
        bool, typer.Option(help="Trust X-Forwarded-Proto/For from a reverse proxy")
    ] = False,
) -> None:
    """Serve the staff web app (Vietnamese) until interrupted."""
    import uvicorn

    from sohoa.runtime import prefect_ready
    from sohoa.web.app import create_app

    settings = get_settings()
    prefect_ready(settings)  # before anything imports prefect
    app = create_app(settings)
    typer.echo(f"sohoa web: http://{host}:{port}/")
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="*" if proxy_headers else None,
        access_log=True,
        log_level="info",
    )


def _engine():
    from sohoa.runtime import open_database

    return open_database(get_settings())


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (login)")],
    role: Annotated[str, typer.Option(help="counter | reviewer | manager | admin")],
    office: Annotated[str | None, typer.Option(help="Office code (not needed for admin)")] = None,
    full_name: Annotated[str, typer.Option(help="Display name")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin, not a prompt")
    ] = False,
) -> None:
    """Create an account (the first admin too)."""
    from sohoa.services import accounts

    try:
        user = accounts.add_user(
            _engine(),
            name,
            _password(password_stdin),
            role=role,
            office=office,
            full_name=full_name,
        )
    except accounts.AccountError as exc:
        _fail(str(exc))
    typer.echo(f"account {user.username} created ({user.role}, office {user.office_code or '-'})")


@user_app.command("list")
def user_list() -> None:
    """Accounts with role, office and state."""
    from sohoa.services import accounts

    for user in accounts.list_users(_engine()):
        state = "disabled" if user.disabled else "active"
        typer.echo(
            f"{user.username:20} {user.role:9} {user.office_code or '-':20} {state:8} "
            f"{user.full_name}"
        )


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(help="User name (login)")],
    enable: Annotated[bool, typer.Option(help="Enable again instead")] = False,
) -> None:
    """Disable an account (its sessions end at once), or `--enable` it again."""
    from sohoa.services import accounts

    try:
        accounts.set_disabled(_engine(), name, not enable)
    except accounts.AccountError as exc:
        _fail(str(exc))
    typer.echo(f"account {name} {'enabled' if enable else 'disabled'}")


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="User name (login)")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin, not a prompt")
    ] = False,
) -> None:
    """Set a new password (the account's sessions end)."""
    from sohoa.services import accounts

    try:
        accounts.set_password(_engine(), name, _password(password_stdin))
    except accounts.AccountError as exc:
        _fail(str(exc))
    typer.echo(f"password of {name} changed")
