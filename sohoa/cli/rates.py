"""`sohoa rates`: digitization rates and points, on screen, as JSON, CSV or XLSX."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sohoa.cli import args
from sohoa.cli.base import app
from sohoa.settings import get_settings


@app.command()
def rates(
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON")] = False,
    office: Annotated[
        str | None, typer.Option(help="Office code: that office and the offices below it")
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            help="Only one level: nation, ministries, localities, ministry, province, "
            "department, district, commune, unknown"
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(help="2023, 2023-Q3, 2023-09, 2023-09-15 or 2023-01..2023-09 (default all)"),
    ] = None,
    compare_previous_year: Annotated[
        bool,
        typer.Option("--compare-previous-year", help="Add the same period a year earlier"),
    ] = False,
    csv: Annotated[
        Path | None, typer.Option(help="Also export CSV here (UTF-8 with BOM, opens in Excel)")
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option(help="Also export XLSX here (a sheet per level)")
    ] = None,
    lang: Annotated[
        str, typer.Option(help="Export headers: vi (Vietnamese) or en (machine names)")
    ] = "vi",
) -> None:
    """Per-office digitization rates and points, rolled up by level."""
    from models import rates as rates_model
    from models.db import session_scope
    from sohoa.errors import UserError
    from sohoa.report import print_rates
    from sohoa.runtime import open_database
    from sohoa.services.exports import export_csv, export_xlsx

    if lang not in ("vi", "en"):
        raise UserError(f"--lang {lang}: expected vi or en")
    args.writable_parent(csv)
    args.writable_parent(xlsx)
    try:
        parsed = rates_model.Period.parse(period)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with session_scope(open_database(get_settings())) as session:
        try:
            rows = rates_model.compute_rates(
                session,
                office=office,
                level=level,
                period=parsed,
                compare_previous_year=compare_previous_year,
            )
        except LookupError as exc:
            raise UserError(str(exc.args[0])) from None
    if csv:
        export_csv(rows, csv, lang=lang)
    if xlsx:
        export_xlsx(rows, xlsx, lang=lang)
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
    else:
        print_rates(rows)
