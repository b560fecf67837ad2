"""`rates-refresh`: recompute rates and publish them as dashboard artifacts.

By default every calendar year that has dossiers plus the current one (an archive of 2022-2024
dossiers has its tables even in 2026). One table artifact per province (key `rates-<province>`,
its rows one per office and year, newest year first, so the UI shows its history run by run) plus
a national one, and a markdown artifact naming the offices whose points moved most against the
same period a year earlier.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.states import Completed

from models.db import session_scope
from models.rates import RateRow, compute_rates, years_with_dossiers
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


def _run_name() -> str:
    from prefect.runtime import flow_run

    period = flow_run.parameters.get("period")
    return f"rates {period}" if period else "rates every year with dossiers"


@flow(name="rates-refresh", flow_run_name=_run_name, validate_parameters=False)
def rates_refresh(period: str | None = None, top: int = 10) -> int:
    """Rates for `period` (default: each year with dossiers and this year) against a year
    earlier; returns the number of rows published (the final state's data)."""
    engine = open_database(get_settings())
    with session_scope(engine) as session:
        periods = [period] if period else _years(session)
        rows = [
            row
            for p in reversed(periods)
            for row in compute_rates(session, period=p, compare_previous_year=True)
        ]
    engine.dispose()
    label = period or f"{periods[0]}..{periods[-1]}"
    publish_rates(rows, period=label, top=top, latest=periods[-1])
    get_run_logger().info("rates for %s: %d rows published", label, len(rows))
    return Completed(message=f"{len(rows)} rows published for {label}", data=len(rows))


def _years(session) -> list[str]:
    this_year = date.today().year
    return [str(y) for y in sorted({*years_with_dossiers(session), this_year}) if y <= this_year]


def publish_rates(
    rows: list[RateRow], *, period: str, top: int = 10, latest: str | None = None
) -> None:
    """Tables per province (all periods in `rows`); movers for the newest period that has any
    office with figures a year earlier, else `latest`."""
    by_province: dict[str, list[RateRow]] = {}
    for row in rows:
        by_province.setdefault(row.province_code or row.office_code, []).append(row)
    for province, group in sorted(by_province.items()):
        create_table_artifact(
            key=_key(f"rates-{province}"),
            table=[_cells(r) for r in group],
            description=f"Digitization rates, {province}, {period}",
        )
    compared = [r.period for r in rows if r.points_change is not None]
    movers_period = compared[0] if compared else latest or period
    create_markdown_artifact(
        key="rates-movers",
        description=f"Offices whose points moved most, {movers_period}, against a year earlier",
        markdown=movers_markdown(
            [r for r in rows if r.period == movers_period], period=movers_period, top=top
        ),
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
