"""`sohoa dashboard`, `serve`, `demo`: running sohoa and watching it run."""

from __future__ import annotations

from typing import Annotated

import typer

from sohoa.cli import args
from sohoa.cli.base import app
from sohoa.settings import get_settings


@app.command()
def dashboard(
    port: Annotated[int, typer.Option(help="Port of the dashboard and its API")] = 4200,
    stop: Annotated[bool, typer.Option("--stop", help="Stop the dashboard's server")] = False,
) -> None:
    """Start (or find) the data dir's Prefect server; prints the dashboard's address.

    Every sohoa command on this data dir reports its runs there."""
    from sohoa import dashboard as board
    from sohoa.errors import UserError

    settings = get_settings()
    if stop:
        typer.echo("dashboard stopped" if board.stop(settings) else "dashboard was not running")
        return
    if not 0 < port < 65536:
        raise UserError(f"--port {port}: expected 1-65535")
    found = board.start(settings, port=port)
    typer.echo(f"dashboard {found.url}  ({'started' if found.started else 'already running'})")
    typer.echo(
        f"API {found.api_url}, Prefect home {found.home}; stop with `sohoa dashboard --stop`"
    )


@app.command()
def serve(
    pool: Annotated[
        str | None, typer.Option(help="Also register backfill-chunk on this process work pool")
    ] = "sohoa-process",
) -> None:
    """Serve the deployments: inbox-watch, backfill, rates-refresh, fixity-check.

    Starts the dashboard's server first when no Prefect server is running."""
    import os

    from sohoa.runtime import prefect_ready

    settings = get_settings()
    if not prefect_ready(settings):
        from sohoa import dashboard as board

        found = board.start(settings)
        os.environ["PREFECT_API_URL"] = found.api_url
        typer.echo(f"dashboard {found.url}")
    from flows.serve import serve_all

    serve_all(pool)


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Same seed, same sample scans")] = 2026,
    dossiers: Annotated[int, typer.Option(help="How many sample dossiers")] = 6,
) -> None:
    """Generate sample dossiers, ingest them on the embedded defaults, print rates."""
    from sohoa.demo import run_demo

    args.positive(dossiers, "--dossiers")
    run_demo(get_settings(), seed=seed, dossiers=dossiers)
