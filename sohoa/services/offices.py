"""The offices register: import of `code,name,level,parent_code` CSV, as `sohoa offices import`
does it (the web's admin page and the CLI share this validation: `models.offices`)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.offices import OfficeImport, import_offices_csv

__all__ = ["OfficeImport", "import_offices"]


def import_offices(engine: Engine, path: Path) -> OfficeImport:
    """Upsert the file's offices; bad rows are reported by line and the rest imported.
    ValueError when the file has no `code` column."""
    with session_scope(engine) as session:
        return import_offices_csv(session, path)
