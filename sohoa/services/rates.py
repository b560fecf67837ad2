"""Digitization rates and points per office, rolled up by level (docs/RATES.md), and their
CSV/XLSX exports: what `sohoa rates` prints and the web's rates page shows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.rates import RateRow, compute_rates
from sohoa.runtime import open_database
from sohoa.services.exports import export_csv, export_xlsx
from sohoa.settings import Settings

__all__ = ["RateRow", "rates"]


def rates(
    settings: Settings,
    *,
    period: str | None = None,
    office: str | None = None,
    level: str | None = None,
    compare_previous_year: bool = False,
    csv: Path | None = None,
    xlsx: Path | None = None,
    engine: Engine | None = None,
    lang: str = "vi",
) -> list[RateRow]:
    """Rows per office (its subtree's totals) and per group, ranked by points within level.

    `period`: `2023-Q3`, `2023-09`, `2023`, `2023-01..2023-09` (default: everything; ValueError
    when unreadable); `office` keeps that office and those below it; `level` one level (an
    unknown office or level: LookupError). `csv` and `xlsx`, when given, receive the same rows
    with Vietnamese headers (`lang="en"`: machine names). `engine`: a server's own (else one is
    opened)."""
    own = engine is None
    engine = engine or open_database(settings)
    try:
        with session_scope(engine) as session:
            rows = compute_rates(
                session,
                office=office,
                level=level,
                period=period,
                compare_previous_year=compare_previous_year,
            )
    finally:
        if own:
            engine.dispose()
    if csv:
        export_csv(rows, csv, lang=lang)
    if xlsx:
        export_xlsx(rows, xlsx, lang=lang)
    return rows
