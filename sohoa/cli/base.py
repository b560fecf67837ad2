"""The `sohoa` Typer app, its global options, and the wrapper that turns every error into one line
and an exit code (sohoa.cli.errors)."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer._click import exceptions as click  # Typer's own click (vendored since 0.25)

from sohoa.cli import errors

HELP = f"""Digitize one-stop-shop dossiers: OCR, store, count digitization rates.

{errors.POLICY}"""


class SohoaTyper(typer.Typer):
    """A Typer whose call maps every outcome to the exit-code policy (never a bare traceback)."""

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        sys.exit(run(self, kwargs.get("args")))


def run(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run the command line; returns its exit code."""
    try:
        command = typer.main.get_command(app)
        rv = command.main(args=argv, prog_name="sohoa", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except click.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
        return errors.OK
    except click.UsageError as exc:
        where = f"sohoa {exc.ctx.command_path.partition(' ')[2]}".strip() if exc.ctx else "sohoa"
        return _say(errors.BAD_INPUT, f"{where}: {exc.format_message()} (see --help)")
    except click.ClickException as exc:
        return _say(exc.exit_code, exc.format_message())
    except (typer.Abort, KeyboardInterrupt):
        return _say(errors.INTERRUPTED, "interrupted")
    except Exception as exc:  # noqa: BLE001 (the policy: every error is one line)
        code, message = errors.classify(exc)
        if _debug():
            traceback.print_exc()
        return _say(code, message)
    if rv == errors.INTERRUPTED:  # Typer's own KeyboardInterrupt handling returns 130
        return _say(rv, "interrupted")
    return rv if isinstance(rv, int) else errors.OK


def _say(code: int, message: str) -> int:
    typer.echo(" ".join(str(message).split()), err=True)
    return code


def _debug() -> bool:
    return os.environ.get("SOHOA_DEBUG", "").lower() in ("1", "true", "yes")


def fail(code: int, message: str) -> NoReturn:
    """End the command with one line on stderr and an exit code of the policy."""
    _say(code, message)
    raise typer.Exit(code)


def sohoa_version() -> str:
    try:
        return version("sohoa")
    except PackageNotFoundError:  # pragma: no cover (running from a source tree)
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"sohoa {sohoa_version()}")
        raise typer.Exit()


app = SohoaTyper(
    no_args_is_help=True,
    add_completion=False,
    help=HELP,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Where sohoa keeps its database, scans, S3 and Prefect home "
            "(default: SOHOA_DATA_DIR, else ./var)",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback of an error")
    ] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit", is_eager=True, callback=_show_version
        ),
    ] = False,
) -> None:
    """Settings come from SOHOA_* variables; the options here override them for one command (and
    the processes it starts)."""
    from sohoa.settings import get_settings

    if data_dir is not None:
        os.environ["SOHOA_DATA_DIR"] = str(data_dir)
    if debug:
        os.environ["SOHOA_DEBUG"] = "1"
        logging.basicConfig(level=logging.INFO)
    else:  # retries are logged as they happen; the error they end in is the one line we print
        logging.getLogger("storage").addHandler(logging.NullHandler())
    get_settings.cache_clear()
