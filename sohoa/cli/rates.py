"""`sohoa rates`: digitization rates and points, on screen, as JSON, CSV or XLSX."""

from __future__ import annotations

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
    from models.rates import Period
    from sohoa.errors import UserError
    from sohoa.report import print_rates, rates_json
    from sohoa.services.rates import rates as compute

    if lang not in ("vi", "en"):
        raise UserError(f"--lang {lang}: expected vi or en")
    args.writable_parent(csv)
    args.writable_parent(xlsx)
    try:
        Period.parse(period)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    try:
        rows = compute(
            get_settings(),
            office=office,
            level=level,
            period=period,
            compare_previous_year=compare_previous_year,
            csv=csv,
            xlsx=xlsx,
            lang=lang,
        )
    except LookupError as exc:
        raise UserError(str(exc.args[0])) from None
    if as_json:
        typer.echo(rates_json(rows))
    else:
        print_rates(rows)
