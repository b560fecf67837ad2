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
app.add_typer(offices_app, name="offices")

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

    settings = get_settings()
    try:
        result = process(file, workers=workers or settings.workers, out_dir=out)
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
    from models import rates as rates_model
    from models.db import session_scope
    from sohoa.report import print_rates
    from sohoa.runtime import open_database

    with session_scope(open_database(get_settings())) as session:
        rows = rates_model.compute_rates(
            session,
            office=office,
            level=level,
            period=period,
            compare_previous_year=compare_previous_year,
        )
    if csv:
        rates_model.export_csv(rows, csv)
    if xlsx:
        rates_model.export_xlsx(rows, xlsx)
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
    else:
        print_rates(rows)


@app.command()
def samples(
    out: Annotated[Path, typer.Argument(help="Output folder")],
    seed: Annotated[int, typer.Option()] = 2026,
    dossiers: Annotated[int, typer.Option()] = 6,
) -> None:
    """Generate synthetic scanned dossiers with their truth (deterministic by seed)."""
    from sohoa.samples import generate

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
    from models.repository import import_register
    from sohoa.runtime import open_database

    report = import_register(open_database(get_settings()), file)
    typer.echo(str(report))


@offices_app.command("import")
def offices_import(file: Path) -> None:
    """Import offices from CSV (`code,name,level,parent_code`)."""
    from models.db import session_scope
    from models.repository import import_offices_csv
    from sohoa.runtime import open_database

    with session_scope(open_database(get_settings())) as session:
        report = import_offices_csv(session, file)
    typer.echo(str(report))


if __name__ == "__main__":
    app()
