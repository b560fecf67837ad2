"""The `sohoa` command. Heavy imports (Prefect, OpenCV, SQLAlchemy) happen inside each command so
`sohoa ocr` starts fast and never touches Prefect, the database or S3."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from sohoa.settings import get_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
s3_app = typer.Typer(no_args_is_help=True, help="The embedded S3 server (SeaweedFS).")
register_app = typer.Typer(no_args_is_help=True, help="The one-stop dossier register.")
offices_app = typer.Typer(no_args_is_help=True, help="The office registry.")
app.add_typer(db_app, name="db")
app.add_typer(s3_app, name="s3")
app.add_typer(register_app, name="register")
review_app = typer.Typer(help="Documents the machine was unsure of: list, show, correct.")
app.add_typer(offices_app, name="offices")
app.add_typer(review_app, name="review")

EXIT_BAD_INPUT = 2
EXIT_MISSING_DEPENDENCY = 3


def _fail(code: int, message: str) -> None:
    typer.echo(message.replace("\n", " "), err=True)
    raise typer.Exit(code)


@app.command()
def ocr(
    file: Annotated[Path, typer.Argument(help="PDF, TIFF, JPEG/PNG, or a folder of page images")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the sohoa.ocr/v1 JSON")] = False,
    out: Annotated[Path | None, typer.Option(help="Also write searchable PDF, ALTO, text")] = None,
    workers: Annotated[int, typer.Option(help="Page processes (0: one per core)")] = 0,
    words: Annotated[bool, typer.Option(help="Include per-word boxes in the JSON")] = False,
) -> None:
    """Recognise one input without Prefect, database or storage."""
    from ocr.errors import BadInput, MissingDependency
    from ocr.pipeline import process
    from sohoa.runtime import ocr_options

    settings = get_settings()
    try:
        result = process(
            file, ocr_options(settings), workers=workers or settings.workers, out_dir=out
        )
    except BadInput as exc:
        _fail(EXIT_BAD_INPUT, f"{file}: {exc}")
    except MissingDependency as exc:
        _fail(EXIT_MISSING_DEPENDENCY, f"missing dependency: {exc}")
    if as_json:
        json.dump(result.to_json(words=words), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    from sohoa.report import print_ocr_summary

    print_ocr_summary(result)


@app.command()
def ingest(
    inbox: Annotated[Path | None, typer.Argument(help="Inbox folder (default SOHOA_INBOX)")] = None,
) -> None:
    """Recognise and store every new scan in the inbox (a Prefect flow)."""
    from sohoa.runtime import prefect_ready

    prefect_ready()
    from flows.ingest import ingest_inbox

    summary = ingest_inbox(str(inbox) if inbox else None)
    from sohoa.report import print_ingest_summary

    print_ingest_summary(summary)


@app.command()
def rates(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    office: Annotated[str | None, typer.Option(help="Office code")] = None,
    level: Annotated[str | None, typer.Option(help="ministry/province/department/...")] = None,
    period: Annotated[
        str | None, typer.Option(help="2023-Q3, 2023-09, 2023, 2023-01..2023-09")
    ] = None,
    compare_previous_year: Annotated[bool, typer.Option("--compare-previous-year")] = False,
    csv: Annotated[Path | None, typer.Option(help="Also export CSV here")] = None,
    xlsx: Annotated[Path | None, typer.Option(help="Also export XLSX here")] = None,
) -> None:
    """Per-office digitization rates and points, rolled up by level."""
    from sohoa.report import print_rates, rates_json
    from sohoa.services.rates import rates as compute

    rows = compute(
        get_settings(),
        office=office,
        level=level,
        period=period,
        compare_previous_year=compare_previous_year,
        csv=csv,
        xlsx=xlsx,
    )
    if as_json:
        typer.echo(rates_json(rows))
    else:
        print_rates(rows)


@app.command()
def samples(
    out: Annotated[Path, typer.Argument(help="Output folder")],
    seed: Annotated[int, typer.Option()] = 2026,
    dossiers: Annotated[int, typer.Option()] = 6,
) -> None:
    """Generate synthetic scanned dossiers with their truth (deterministic by seed)."""
    from samples.generate import generate

    truths = generate(out, seed=seed, dossiers=dossiers)
    typer.echo(f"{len(truths)} dossiers written to {out}")


@app.command()
def demo(
    seed: Annotated[int, typer.Option()] = 2026,
    dossiers: Annotated[int, typer.Option()] = 6,
) -> None:
    """Generate sample dossiers, ingest them on the embedded defaults, print rates."""
    from sohoa.demo import run_demo

    run_demo(get_settings(), seed=seed, dossiers=dossiers)


@app.command()
def backfill(
    source: Annotated[str, typer.Argument(help="A folder, or s3://bucket/prefix")],
    office: Annotated[
        str | None, typer.Option(help="Only this office (and those below it)")
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
    """Digitize an archive: resumable, skips what is already stored."""
    from sohoa.runtime import prefect_ready

    prefect_ready()
    from flows.backfill import backfill as backfill_flow

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
    if summary.unfinished:
        raise typer.Exit(1)


@app.command()
def verify(
    quick: Annotated[bool, typer.Option(help="Compare sizes/metadata, do not re-hash")] = False,
    repair: Annotated[bool, typer.Option(help="Delete orphaned derived objects")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fixity: re-hash stored objects against the database; report missing, corrupt, orphans."""
    from dataclasses import asdict

    from flows.verify import verify as run_verify
    from sohoa.runtime import open_database, open_store

    settings = get_settings()
    with open_store(settings) as store:
        report = run_verify(store, open_database(settings), full=not quick, repair=repair)
    if as_json:
        typer.echo(json.dumps(asdict(report), ensure_ascii=False, indent=1))
    else:
        typer.echo(f"{report.scans_checked} scans, {report.objects_checked} objects checked")
        for f in report.findings:
            typer.echo(f"{f.kind:8} {f.key}  {f.detail}")
    if report.findings and not repair:
        raise typer.Exit(1)


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
    limit: Annotated[int, typer.Option()] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find stored documents; prints short-lived download links."""
    from sohoa.report import as_json as dump_json
    from sohoa.report import print_search_hits
    from sohoa.services.search import search as find

    hits = find(
        get_settings(),
        text=text,
        dossier_code=dossier,
        citizen_id=citizen_id,
        gcn_serial=gcn_serial,
        parcel_number=parcel_number,
        map_sheet=map_sheet,
        limit=limit,
    )
    if as_json:
        typer.echo(dump_json(hits))
    else:
        print_search_hits(hits)


@app.command()
def serve(
    pool: Annotated[
        str | None, typer.Option(help="Also register backfill-chunk on this process work pool")
    ] = "sohoa-process",
) -> None:
    """Serve the deployments (inbox-watch, backfill, rates-refresh, fixity-check)."""
    from sohoa.runtime import prefect_ready

    prefect_ready()
    from flows.serve import serve_all

    serve_all(pool)


@app.command()
def train(
    seed: Annotated[int, typer.Option(help="The shipped model was trained with seed 1")] = 1,
    out: Annotated[Path | None, typer.Option(help="Model file (default: the shipped one)")] = None,
    with_corrections: Annotated[
        bool, typer.Option(help="Add staff corrections from the database")
    ] = True,
) -> None:
    """Retrain the page classifier (reproducible by seed), with staff corrections if any."""
    from samples.train import DEFAULT_MODEL_PATH
    from samples.train import train as train_model

    corrections = None
    if with_corrections:
        from sohoa.services.review import corrections_for_training

        corrections = corrections_for_training(get_settings())
    report = train_model(seed=seed, out_path=out or DEFAULT_MODEL_PATH, corrections=corrections)
    typer.echo(str(report))


@review_app.callback(invoke_without_command=True)
def review_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option()] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List documents waiting for review (the default action)."""
    if ctx.invoked_subcommand:
        return
    from sohoa.report import as_json as dump_json
    from sohoa.report import print_review_queue
    from sohoa.services.review import pending

    items = pending(get_settings(), limit=limit)
    if as_json:
        typer.echo(dump_json(items))
    else:
        print_review_queue(items)


@review_app.command("show")
def review_show(document_id: int) -> None:
    """Show a document's type, fields with their pages and confidence, and its text."""
    from sohoa.report import as_json as dump_json
    from sohoa.services.review import show

    try:
        detail = show(get_settings(), document_id)
    except LookupError as exc:
        _fail(EXIT_BAD_INPUT, str(exc))
    typer.echo(dump_json(detail))


@review_app.command("set")
def review_set(
    document_id: int,
    doc_type: Annotated[str | None, typer.Option("--type", help="Correct document type")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(help="key=value, repeatable; normalised (1.234,5 → 1234.5); key= removes"),
    ] = None,
    by: Annotated[str, typer.Option(help="Reviewer name")] = "staff",
) -> None:
    """Correct a document's type and/or fields; the correction becomes training data. An
    invalid value is refused, naming the key and why, and nothing is changed."""
    from sohoa.services.review import correct

    fields = {}
    for item in field or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _fail(EXIT_BAD_INPUT, f"--field {item!r}: expected key=value")
        fields[key.strip()] = value
    try:
        row = correct(get_settings(), document_id, doc_type=doc_type, fields=fields, reviewer=by)
    except (LookupError, ValueError) as exc:
        _fail(EXIT_BAD_INPUT, str(exc))
    typer.echo(f"#{row.id} is now {row.doc_type}, reviewed by {row.reviewed_by}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply Alembic migrations up to the newest schema."""
    from sohoa.runtime import open_database

    open_database(get_settings())
    typer.echo("database schema is current")


@s3_app.command("start")
def s3_start() -> None:
    """Start (or find) the embedded S3 server and leave it running."""
    from storage import embedded

    info = embedded.start(get_settings().data_dir)
    typer.echo(f"embedded S3 at http://{info.endpoint}")


@s3_app.command("stop")
def s3_stop() -> None:
    """Stop the embedded S3 server started by `sohoa s3 start`."""
    from storage import embedded

    embedded.stop(get_settings().data_dir)


@register_app.command("import")
def register_import(file: Path) -> None:
    """Import the one-stop register export (CSV or XLSX); bad rows are reported, not fatal."""
    from models.register import import_register
    from sohoa.runtime import open_database

    try:
        report = import_register(open_database(get_settings()), file)
    except (OSError, ValueError) as exc:  # unreadable file, no dossier_code column
        _fail(EXIT_BAD_INPUT, f"{file}: {exc}")
    typer.echo(
        f"{report.rows} dossier(s): {report.inserted} new, {report.updated} updated,"
        f" {report.unchanged} unchanged; {len(report.bad)} bad row(s);"
        f" {len(report.offices_created)} office(s) created"
    )
    for bad in report.bad:
        typer.echo(f"bad row, {bad}")
    if report.offices_created:
        typer.echo(f"offices created (level unknown): {', '.join(report.offices_created)}")


@offices_app.command("import")
def offices_import(file: Path) -> None:
    """Import offices from CSV (`code,name,level,parent_code`)."""
    from models.db import session_scope
    from models.offices import import_offices_csv
    from sohoa.runtime import open_database

    with session_scope(open_database(get_settings())) as session:
        report = import_offices_csv(session, file)
    typer.echo(str(report))


if __name__ == "__main__":
    app()
