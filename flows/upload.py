"""`ingest-upload`: the scans the staff web app just wrote into the inbox, through the same
`run_units` as `ingest` and `inbox-watch` (same task, quarantine, reasons and SHA-256 skip).

The web app writes each upload into its own folder `INBOX/<office>/[<dossier>/]web-<id>/`, so
the inbox layout names office and dossier exactly as for a scanner's drop; this flow only picks
those folders out of the inbox instead of waiting for the next `inbox-watch` tick.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from prefect import flow

from flows.discover import discover
from flows.ingest import IngestSummary, run_units
from sohoa.settings import get_settings


@flow(name="ingest-upload", flow_run_name="upload {label}", validate_parameters=False)
def ingest_upload(folders: list[str], label: str = "web") -> IngestSummary:
    """Process the scan units inside these inbox-relative folders."""
    settings = get_settings()
    inbox = Path(settings.inbox_dir)
    wanted = {PurePosixPath(f) for f in folders}
    units = [
        u
        for u in discover(inbox)
        if wanted
        & {PurePosixPath(u.relative.as_posix()), *PurePosixPath(u.relative.as_posix()).parents}
    ]
    return run_units(units, settings, label=f"{inbox} ({label})")


def _self_and_parents(relative: Path) -> set[PurePosixPath]:
    path = PurePosixPath(relative.as_posix())
    return {path, *path.parents}
