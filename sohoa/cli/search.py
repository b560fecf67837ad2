"""`sohoa search` and `sohoa get`: find stored documents and download them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from sohoa.cli import args
from sohoa.cli.base import app
from sohoa.settings import get_settings

MAX_LINK_HOURS = 7 * 24  # S3 presigned URLs live at most a week


@app.command()
def search(
    text: Annotated[str | None, typer.Argument(help="Full-text query")] = None,
    dossier: Annotated[str | None, typer.Option(help="Dossier code")] = None,
    citizen_id: Annotated[str | None, typer.Option(help="12-digit citizen ID")] = None,
    gcn_serial: Annotated[
        str | None, typer.Option("--serial", help="Certificate serial, e.g. 'CS 123456'")
    ] = None,
    parcel_number: Annotated[
        str | None, typer.Option("--parcel", help="Parcel number (Thửa đất số)")
    ] = None,
    map_sheet: Annotated[str | None, typer.Option(help="Map sheet (Tờ bản đồ số)")] = None,
    limit: Annotated[int, typer.Option(help="At most this many documents")] = 20,
    link_hours: Annotated[
        float | None,
        typer.Option(
            help="Download links expire after this many hours (default SOHOA_LINK_HOURS, 24)"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON")] = False,
) -> None:
    """Find stored documents; prints each one's key (for `sohoa get`) and a download link."""
    from sohoa.errors import UserError
    from sohoa.report import as_json as dump_json
    from sohoa.report import print_search_hits
    from sohoa.services.search import search as find
    from storage import embedded

    settings = get_settings()
    args.positive(limit, "--limit")
    if citizen_id is not None and not (citizen_id.isdigit() and len(citizen_id) == 12):
        raise UserError(f"--citizen-id: expected 12 digits, got {len(citizen_id)} characters")
    hours = settings.link_hours if link_hours is None else link_hours
    if not 0 < hours <= MAX_LINK_HOURS:
        raise UserError(f"--link-hours {hours:g}: must be more than 0 and at most {MAX_LINK_HOURS}")
    lasting = bool(settings.s3_endpoint) or embedded.keeps_running(settings.data_dir)
    hits = find(
        settings,
        text=text,
        dossier_code=dossier,
        citizen_id=citizen_id,
        gcn_serial=gcn_serial,
        parcel_number=parcel_number,
        map_sheet=map_sheet,
        limit=limit,
        link_lifetime=timedelta(hours=hours),
    )
    if as_json:
        typer.echo(dump_json(hits))
    else:
        print_search_hits(hits)
    if hits and not lasting:
        typer.echo(
            "note: the storage server stopped when this command ended, so these links do not "
            "open; start it with `sohoa s3 start`, or download with `sohoa get KEY -o FILE`",
            err=True,
        )
    elif hits:
        typer.echo(f"links expire in {hours:g} h", err=True)


@app.command()
def get(
    key: Annotated[str, typer.Argument(help="Object key, as `sohoa search` prints it")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: the key's name)")
    ] = None,
) -> None:
    """Download one stored object to a file (checked against its SHA-256 when recorded)."""
    from sohoa.runtime import open_store

    target = output or Path(key.rstrip("/").rsplit("/", 1)[-1] or "download")
    args.writable_parent(target if target.parent != Path("") else None)
    with open_store(get_settings()) as store:
        stored = store.download(key, target)
    typer.echo(f"{target} ({stored.size} bytes)")
