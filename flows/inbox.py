"""`inbox-watch`: every minute, process the scans that have finished arriving in the inbox."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.discover import discover
from flows.ingest import IngestSummary, run_units
from sohoa.settings import get_settings


@flow(name="inbox-watch", validate_parameters=False)
def inbox_watch(inbox: str | None = None, stable_seconds: float | None = None) -> IngestSummary:
    """Like `ingest`, but leaves alone any scan modified in the last `stable_seconds`, so a file
    still being copied by the scanner or a network share is never read half-written."""
    settings = get_settings()
    folder = Path(inbox) if inbox else settings.inbox_dir
    wait = settings.stable_seconds if stable_seconds is None else stable_seconds
    units = discover(folder, stable_seconds=wait)
    return run_units(units, settings, label=str(folder), inbox=folder)
