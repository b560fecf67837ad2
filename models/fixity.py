"""What fixity checks against besides the stored scans (`models.scans.stored_scans`): every key
any row points at, and what a lost manifest is rebuilt from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.db import session_scope
from models.tables import Document, Page, Scan


@dataclass
class References:
    """Keys and prefixes rows point at (any status: a quarantined or failed row's objects are
    not orphans either)."""

    keys: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)

    def cover(self, key: str) -> bool:
        if key in self.keys:
            return True
        parts = key.split("/")
        return any("/".join(parts[:n]) + "/" in self.prefixes for n in range(1, len(parts)))


def references(engine: Engine) -> References:
    refs = References()
    with session_scope(engine) as session:
        rows = session.execute(
            select(Scan.original_key, Scan.digitized_prefix, Scan.manifest_key)
        ).all()
    for row in rows:
        for key in row:
            if not key:
                continue
            (refs.prefixes if key.endswith("/") else refs.keys).add(key)
    return refs


def manifest_facts(engine: Engine, sha256: str) -> dict[str, Any]:
    """The manifest's metadata of a stored scan, as the ingest wrote it, from its rows."""
    with session_scope(engine) as session:
        scan = session.execute(select(Scan).where(Scan.sha256 == sha256)).scalar_one()
        pages = session.execute(
            select(Page.number, Page.doc_type, Page.blank)
            .where(Page.scan_id == scan.id)
            .order_by(Page.number)
        ).all()
        documents = session.execute(
            select(Document.doc_type, Document.pages, Document.fields)
            .where(Document.scan_id == scan.id)
            .order_by(Document.first_page, Document.id)
        ).all()
        return {
            "office_code": scan.office_code,
            "dossier_code": scan.dossier_code,
            "page_count": scan.page_count,
            "pages": [{"number": n, "doc_type": t, "blank": b} for n, t, b in pages],
            "documents": [{"doc_type": t, "pages": p, "fields": f} for t, p, f in documents],
            "tool_versions": scan.tool_versions or {},
        }
