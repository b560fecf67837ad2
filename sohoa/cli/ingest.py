"""`sohoa ingest`, `backfill`, `verify`: the pipeline's work, run as Prefect flows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sohoa.cli import args, errors
from sohoa.cli.base import app
from sohoa.settings import get_settings


@app.command()
def ingest(
    inbox: Annotated[
        Path | None,
        typer.Argument(help="Inbox folder (default: SOHOA_INBOX, else <data dir>/inbox)"),
    ] = None,
) -> None:
    """Recognise and store every new scan in the inbox (a Prefect flow).

    Exit 1 when a scan was quarantined or failed."""
    from sohoa.cli.progress import scan_progress
    from sohoa.runtime import prefect_ready

    settings = get_settings()
    errors.stop_on_sigterm()
    folder = args.folder(inbox) if inbox else settings.inbox_dir
    folder.mkdir(parents=True, exist_ok=True)
    prefect_ready(settings, serve=True)
    from flows.ingest import ingest_inbox

    with scan_progress(f"scans in {folder}"):
        summary = ingest_inbox(str(folder))
    from sohoa.report import print_ingest_summary

    print_ingest_summary(summary)
    _webhooks_note()
    if summary.count("quarantined") or summary.failed:
        raise typer.Exit(errors.SOME_FAILED)


def _webhooks_note() -> None:
    """The process waits for its webhook sender before exiting: say so."""
    from flows.webhooks import sender_running

    if sender_running():
        typer.echo(
            "webhooks: sending the queued events before exiting (`sohoa webhooks` shows them)",
            err=True,
        )


@app.command()
def backfill(
    source: Annotated[str, typer.Argument(help="A folder, or s3://bucket/prefix")],
    office: Annotated[
        str | None, typer.Option(help="Only this office code (and those below it)")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Received on or after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="Received on or before YYYY-MM-DD")] = None,
    batch_size: Annotated[int, typer.Option(help="Scans per chunk")] = 20,
    distributed: Annotated[
        bool, typer.Option(help="Send chunks to work-pool workers (needs `sohoa serve --pool`)")
    ] = False,
    stall_seconds: Annotated[
        float, typer.Option(help="Redispatch a distributed chunk after this long without progress")
    ] = 900.0,
) -> None:
    """Digitize an archive: resumable, skips what is already stored.

    Exit 1 when a scan was quarantined or left unfinished."""
    from sohoa.cli.progress import scan_progress
    from sohoa.errors import UserError
    from sohoa.runtime import prefect_ready

    if not source.startswith("s3://"):
        args.folder(Path(source))
    args.iso_date(since, "--since")
    args.iso_date(until, "--until")
    if since and until and until < since:
        raise UserError(f"--until {until} is before --since {since}")
    args.positive(batch_size, "--batch-size")
    errors.stop_on_sigterm()
    prefect_ready(serve=True)
    from flows.backfill import backfill as backfill_flow

    with scan_progress(f"scans in {source}"):
        summary = backfill_flow(
            source,
            office=office,
            since=since,
            until=until,
            batch_size=batch_size,
            distributed=distributed,
            stall_seconds=stall_seconds,
        )
    typer.echo(
        f"{summary.listed} listed, {summary.already_done} already done, "
        f"{summary.count('stored')} stored, {summary.count('skipped')} duplicates, "
        f"{summary.count('quarantined')} quarantined, {len(summary.unfinished)} unfinished"
    )
    if summary.unfinished or summary.count("quarantined"):
        raise typer.Exit(errors.SOME_FAILED)


@app.command()
def verify(
    quick: Annotated[bool, typer.Option(help="Compare sizes/metadata, do not re-hash")] = False,
    repair: Annotated[
        bool, typer.Option(help="Rebuild lost manifests, move orphans under orphans/")
    ] = False,
    purge: Annotated[
        bool, typer.Option(help="Delete orphans/ objects older than SOHOA_ORPHAN_PURGE_DAYS")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Fixity: re-hash stored objects against the database; report missing, corrupt, orphans.

    Exit 1 when anything was found (also with --repair: what was found is still reported)."""
    from dataclasses import asdict

    from flows.verify import verify as run_verify
    from sohoa.runtime import fixity_windows, open_database, open_store

    settings = get_settings()
    with open_store(settings) as store:
        report = run_verify(
            store,
            open_database(settings),
            full=not quick,
            repair=repair,
            purge=purge,
            **fixity_windows(settings),
        )
    if as_json:
        typer.echo(json.dumps(asdict(report), ensure_ascii=False, indent=1))
    else:
        typer.echo(f"{report.scans_checked} scans, {report.objects_checked} objects checked")
        for f in report.findings:
            typer.echo(f"{f.kind:8} {f.key}  {f.detail}")
        for key in report.manifests_rebuilt:
            typer.echo(f"rebuilt  {key}")
        for key in report.repaired:
            typer.echo(f"moved    {key} -> orphans/")
    if report.findings:
        raise typer.Exit(errors.SOME_FAILED)
