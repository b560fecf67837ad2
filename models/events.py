"""The append-only event log: what happened to which scan or dossier, by which tool.

Rows are never updated or deleted (database triggers refuse it). Citizen ID numbers are masked
before they reach a row: the log is read by people who need not see them.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.tables import Event
from ocr.identifiers import mask_id_numbers


def log_event(
    session: Session,
    *,
    action: str,
    outcome: str,
    scan_sha256: str | None = None,
    dossier_code: str | None = None,
    tool: str | None = None,
    tool_version: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Event:
    """Append to the event log (rows are never updated or deleted: triggers refuse it)."""
    event = Event(
        scan_sha256=scan_sha256,
        dossier_code=dossier_code,
        action=action,
        outcome=outcome,
        tool=tool,
        tool_version=tool_version,
        detail=mask_citizen_ids(detail or {}),
    )
    session.add(event)
    return event


def mask_citizen_ids(value: Any) -> Any:
    """Mask citizen IDs (CCCD and CMND) anywhere in an event detail (keep the last 4 digits),
    by the same rule as log lines."""
    if isinstance(value, str):
        return mask_id_numbers(value)
    if isinstance(value, dict):
        return {k: mask_citizen_ids(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_citizen_ids(v) for v in value]
    return value
