"""`rates-refresh`: recompute rates and publish them as dashboard artifacts.

One table artifact per province (key `rates-<province>`, so the UI shows its history run by run)
plus a national one, and a markdown artifact naming the offices whose points moved most against
the same period a year earlier.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from models.db import session_scope
from models.rates import RateRow, compute_rates
from sohoa.runtime import open_database
from sohoa.settings import get_settings

TABLE_COLUMNS = (
    "office_code",
    "office_name",
    "level",
    "period",
    "received",
    "components_digitized",
    "digitized",
    "digitized_rate",
    "e_result_rate",
    "reuse_rate",
    "points",
    "points_change",
    "rank",
)


@flow(name="rates-refresh", validate_parameters=False)
def rates_refresh(period: str | None = None, top: int = 10) -> int:
    """Rates for `period` (default: this year so far) against a year earlier; returns row count."""
    period = period or str(date.today().year)
    engine = open_database(get_settings())
    with session_scope(engine) as session:
        rows = compute_rates(session, period=period, compare_previous_year=True)
    engine.dispose()
    publish_rates(rows, period=period, top=top)
    get_run_logger().info("rates for %s: %d rows published", period, len(rows))
    return len(rows)


def publish_rates(rows: list[RateRow], *, period: str, top: int = 10) -> None:
    by_province: dict[str, list[RateRow]] = {}
    for row in rows:
        by_province.setdefault(row.province_code or row.office_code, []).append(row)
    for province, group in sorted(by_province.items()):
        create_table_artifact(
            key=_key(f"rates-{province}"),
            table=[_cells(r) for r in group],
            description=f"Digitization rates, {province}, {period}",
        )
    create_markdown_artifact(
        key="rates-movers", markdown=movers_markdown(rows, period=period, top=top)
    )


def movers_markdown(rows: list[RateRow], *, period: str, top: int = 10) -> str:
    """The offices whose points rose or fell most, with the figures that explain the change."""
    offices = [r for r in rows if r.points_change is not None and r.level not in _GROUP_LEVELS]
    ranked = sorted(offices, key=lambda r: r.points_change or 0.0)
    lines = [f"# Digitization points, {period}, against a year earlier", ""]
    for title, part in (("Up most", ranked[::-1][:top]), ("Down most", ranked[:top])):
        lines += [
            f"## {title}",
            "",
            "| office | points | change | digitized | e-result |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r.office_code} {r.office_name} | {r.points or 0:.2f} | {r.points_change:+.2f} | "
            f"{_pct(r.digitized_rate)} ({_pct_change(r.digitized_rate_change)}) | "
            f"{_pct(r.e_result_rate)} ({_pct_change(r.e_result_rate_change)}) |"
            for r in part
        ] or ["| (no office with figures for both years) | | | | |"]
        lines.append("")
    return "\n".join(lines)


_GROUP_LEVELS = ("nation", "ministries", "localities")


def _cells(row: RateRow) -> dict:
    data = row.as_dict()
    return {k: data[k] for k in TABLE_COLUMNS}


def _key(text: str) -> str:
    return "".join(c if c.isalnum() or c == "-" else "-" for c in text.lower())


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _pct_change(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:+.1f} pts"
