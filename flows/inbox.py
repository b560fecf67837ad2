"""`inbox-watch`: every minute, process the scans that have finished arriving in the inbox."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.discover import discover
from flows.ingest import IngestSummary, finished, inbox_run_name, run_units
from sohoa.settings import get_settings


def _watch_run_name() -> str:
    return inbox_run_name("watch")


@flow(name="inbox-watch", flow_run_name=_watch_run_name, validate_parameters=False)
def inbox_watch(inbox: str | None = None, stable_seconds: float | None = None) -> IngestSummary:
    """Like `ingest`, but leaves alone any scan modified in the last `stable_seconds`, so a file
    still being copied by the scanner or a network share is never read half-written."""
    settings = get_settings()
    folder = Path(inbox) if inbox else settings.inbox_dir
    wait = settings.stable_seconds if stable_seconds is None else stable_seconds
    units = discover(folder, stable_seconds=wait)
    return finished(run_units(units, settings, label=str(folder), inbox=folder))
