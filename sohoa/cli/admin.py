"""`sohoa db`, `s3`, `register`, `offices`: the services and reference data sohoa keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sohoa.cli import args
from sohoa.cli.base import app
from sohoa.errors import UserError
from sohoa.settings import get_settings

_HELP = {"help_option_names": ["-h", "--help"]}
db_app = typer.Typer(no_args_is_help=True, help="Database schema.", context_settings=_HELP)
s3_app = typer.Typer(
    no_args_is_help=True, help="The embedded S3 server (SeaweedFS).", context_settings=_HELP
)
register_app = typer.Typer(
    no_args_is_help=True, help="The one-stop dossier register.", context_settings=_HELP
)
offices_app = typer.Typer(no_args_is_help=True, help="The office registry.", context_settings=_HELP)
app.add_typer(db_app, name="db")
app.add_typer(s3_app, name="s3")
app.add_typer(register_app, name="register")
app.add_typer(offices_app, name="offices")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply Alembic migrations up to the newest schema."""
    from sohoa.errors import safe_url
    from sohoa.runtime import open_database

    settings = get_settings()
    open_database(settings)
    typer.echo(f"database schema is current ({safe_url(settings.db_url)})")


@s3_app.command("start")
def s3_start() -> None:
    """Start (or find) the embedded S3 server and leave it running; prints where it answers."""
    from storage import embedded

    settings = get_settings()
    if settings.s3_endpoint:
        raise UserError(
            f"SOHOA_S3_ENDPOINT is set ({settings.s3_endpoint}): sohoa uses that server "
            "and starts none"
        )
    info = embedded.start(settings.data_dir)
    typer.echo(f"endpoint     {info.url}")
    typer.echo(f"bucket       {settings.s3_bucket}")
    typer.echo(
        f"credentials  {embedded.credentials_file(settings.data_dir)} (access and secret key)"
    )
    typer.echo("stop it with `sohoa s3 stop`")


@s3_app.command("stop")
def s3_stop() -> None:
    """Stop the embedded S3 server started by `sohoa s3 start`."""
    from storage import embedded

    stopped = embedded.stop(get_settings().data_dir)
    typer.echo("embedded S3 stopped" if stopped else "embedded S3 was not running")


@register_app.command("import")
def register_import(
    file: Annotated[Path, typer.Argument(help="The one-stop register export (CSV or XLSX)")],
) -> None:
    """Import the one-stop register export; bad rows are reported, not fatal (exit 1)."""
    from models.register import import_register
    from sohoa.cli.errors import SOME_FAILED
    from sohoa.cli.progress import row_progress
    from sohoa.runtime import open_database

    args.existing(file, "file")
    total = _line_count(file)
    engine = open_database(get_settings())
    try:
        with row_progress(f"rows of {file.name}") as on_rows:
            on_line = None if on_rows is None else (lambda line: on_rows(line, total))
            report = import_register(engine, file, on_line)
    except ValueError as exc:  # no dossier_code column, not a CSV/XLSX
        raise UserError(f"{file}: {exc}") from None
    typer.echo(
        f"{report.rows} dossier(s): {report.inserted} new, {report.updated} updated,"
        f" {report.unchanged} unchanged; {len(report.bad)} bad row(s);"
        f" {len(report.offices_created)} office(s) created"
    )
    for bad in report.bad:
        typer.echo(f"bad row, {bad}")
    if report.offices_created:
        typer.echo(f"offices created (level unknown): {', '.join(report.offices_created)}")
    if report.bad:
        raise typer.Exit(SOME_FAILED)


def _line_count(path: Path) -> int | None:
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


@offices_app.command("import")
def offices_import(
    file: Annotated[Path, typer.Argument(help="CSV with columns code,name,level,parent_code")],
) -> None:
    """Import offices (upsert by code); bad rows are reported by line (exit 1)."""
    from models.db import session_scope
    from models.offices import import_offices_csv
    from sohoa.cli.errors import SOME_FAILED
    from sohoa.runtime import open_database

    args.existing(file, "file")
    try:
        with session_scope(open_database(get_settings())) as session:
            report = import_offices_csv(session, file)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{file}: {exc}") from None
    typer.echo(
        f"offices: {report.created} created, {report.updated} updated, {len(report.bad)} bad"
    )
    for bad in report.bad:
        typer.echo(f"bad row, {bad}")
    if report.bad:
        raise typer.Exit(SOME_FAILED)
